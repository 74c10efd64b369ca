// The IPMsg bridge's switch (README "IP Messenger and FeiQ users"): the node's setting `ipmsg`,
// the same one `pigeon start --ipmsg/--no-ipmsg` remembers; read at start, so it says so.
import { useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { useStore } from './context.dom.js'

export function IpmsgSettings() {
  const { t } = useTranslation()
  const store = useStore()
  const [on, setOn] = useState<boolean | undefined>(undefined)
  useEffect(() => {
    void store.api
      .getSetting('ipmsg')
      .then((value) => setOn(value === true))
      .catch(() => setOn(false))
  }, [store])
  return (
    <section className="card">
      <h2>{t('settings.ipmsg')}</h2>
      <label className="check">
        <input
          type="checkbox"
          checked={on === true}
          disabled={on === undefined}
          onChange={(e) => {
            const next = e.target.checked
            setOn(next)
            void store.api.setSetting('ipmsg', next).catch(() => setOn(!next))
          }}
          data-testid="ipmsg"
        />
        <span>{t('settings.ipmsgLabel')}</span>
      </label>
      <p className="hint">{t('settings.ipmsgHint')}</p>
    </section>
  )
}
