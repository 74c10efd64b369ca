// The first start asks what to be called: a dialog over the app, the name the node chose filled
// in (the OS account's full name, app/node/default-name.ts), until the user confirms one. The
// node remembers that it was asked (the setting profile.nameChosen; `pigeon start --name` sets
// it too), so browser mode and the desktop app ask once per data dir, not per origin.
import { useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { LIMITS } from '../../../api/contract.js'
import { useAppState, useStore } from './context.dom.js'

export const SETTING_NAME_CHOSEN = 'profile.nameChosen'

export function FirstRun() {
  const { t } = useTranslation()
  const store = useStore()
  const me = useAppState((s) => s.me)
  const [asking, setAsking] = useState(false)
  const [name, setName] = useState('')
  const [error, setError] = useState<string | undefined>(undefined)

  useEffect(() => {
    let live = true
    store.api.getSetting(SETTING_NAME_CHOSEN).then(
      (chosen) => live && setAsking(chosen !== true),
      () => undefined, // the node is not answering: the banner says so, and we ask next time
    )
    return () => {
      live = false
    }
  }, [store])
  useEffect(() => {
    if (asking && me !== undefined) setName((current) => (current === '' ? me.name : current))
  }, [asking, me])

  if (!asking || me === undefined) return null
  return (
    <div className="overlay">
      <form
        className="dialog"
        role="dialog"
        aria-modal="true"
        aria-labelledby="first-run-title"
        data-testid="first-run"
        onSubmit={(e) => {
          e.preventDefault()
          const trimmed = name.trim()
          if (trimmed === '') return setError(t('firstRun.nameMissing'))
          void store.setProfile({ name: trimmed }).then(async (ok) => {
            if (!ok) return setError(store.getState().problem?.message)
            await store.api.setSetting(SETTING_NAME_CHOSEN, true).catch(() => undefined)
            setAsking(false)
          })
        }}
      >
        <h2 id="first-run-title">{t('firstRun.title')}</h2>
        <p className="hint">{t('firstRun.hint')}</p>
        <label className="field">
          <span>{t('settings.name')}</span>
          <input
            value={name}
            maxLength={LIMITS.nameChars}
            onChange={(e) => {
              setName(e.target.value)
              setError(undefined)
            }}
            autoFocus
            data-testid="first-run-name"
          />
        </label>
        {error !== undefined && (
          <p className="field-error" role="alert">
            {error}
          </p>
        )}
        <div className="dialog-actions">
          <button type="submit" className="primary" data-testid="first-run-save">
            {t('firstRun.save')}
          </button>
        </div>
      </form>
    </div>
  )
}
