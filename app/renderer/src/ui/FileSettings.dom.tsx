// Settings → Files: where received files land (the node's setting files.downloadDir; empty: the
// OS download folder's Pigeon, which the node reports), typed as a path on the node's disk —
// a browser cannot pick a folder on the node's disk. The field shows where files go now.
import { useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { useStore } from './context.dom.js'

export const SETTING_DOWNLOAD_DIR = 'files.downloadDir'

export function FileSettings() {
  const { t } = useTranslation()
  const store = useStore()
  const [dir, setDir] = useState('')
  const [current, setCurrent] = useState<string | undefined>(undefined)
  const [saved, setSaved] = useState(false)

  const refresh = async (): Promise<void> => {
    const [chosen, effective] = await Promise.all([
      store.api.getSetting(SETTING_DOWNLOAD_DIR),
      store.api.downloadDir(),
    ])
    setDir(typeof chosen === 'string' ? chosen : '')
    setCurrent(effective)
  }
  useEffect(() => {
    refresh().catch(() => undefined)
  }, [])

  return (
    <section className="card" data-testid="settings-files">
      <h2>{t('settings.files')}</h2>
      <form
        className="field-row"
        onSubmit={(e) => {
          e.preventDefault()
          void store.api
            .setSetting(SETTING_DOWNLOAD_DIR, dir.trim())
            .then(refresh)
            .then(
              () => setSaved(true),
              () => setSaved(false),
            )
        }}
      >
        <label className="field">
          <span>{t('settings.downloadDir')}</span>
          <input
            value={dir}
            placeholder={current}
            onChange={(e) => {
              setDir(e.target.value)
              setSaved(false)
            }}
            data-testid="download-dir"
          />
        </label>
        <button type="submit" className="primary" data-testid="download-dir-save">
          {saved ? t('settings.saved') : t('settings.save')}
        </button>
      </form>
      {current !== undefined && (
        <p className="hint" data-testid="download-dir-current">
          {t('settings.downloadDirNow', { path: current })}
        </p>
      )}
    </section>
  )
}
