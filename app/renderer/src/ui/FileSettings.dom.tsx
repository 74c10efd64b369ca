// Settings → Files: where received files land (the node's setting files.downloadDir; empty: the
// OS download folder's Pigeon, which the node reports), typed as a path on the node's disk —
// a browser cannot pick a folder on the node's disk; and up to what size a file from someone I
// have written to is accepted by itself (files.autoAcceptBytes, in MB here; 0: never).
import { useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { useStore } from './context.dom.js'

export const SETTING_DOWNLOAD_DIR = 'files.downloadDir'
/** bytes; 0 or unset: every offer waits (app/core/files/transfers.ts) */
export const SETTING_AUTO_ACCEPT_BYTES = 'files.autoAcceptBytes'
const MB = 1_000_000

export function FileSettings() {
  const { t } = useTranslation()
  const store = useStore()
  const [dir, setDir] = useState('')
  const [current, setCurrent] = useState<string | undefined>(undefined)
  const [saved, setSaved] = useState(false)
  const [autoMb, setAutoMb] = useState('0')

  const refresh = async (): Promise<void> => {
    const [chosen, effective, auto] = await Promise.all([
      store.api.getSetting(SETTING_DOWNLOAD_DIR),
      store.api.downloadDir(),
      store.api.getSetting(SETTING_AUTO_ACCEPT_BYTES),
    ])
    setDir(typeof chosen === 'string' ? chosen : '')
    setAutoMb(String(typeof auto === 'number' ? auto / MB : 0))
    setCurrent(effective)
  }
  useEffect(() => {
    refresh().catch(() => undefined)
  }, [])

  return (
    <section className="card" data-testid="settings-files">
      <h2>{t('settings.files')}</h2>
      {/* shown once the node's values are in: typing before would be overwritten by them */}
      {current !== undefined && (
        <form
          className="field-row"
          onSubmit={(e) => {
            e.preventDefault()
            const mb = Number(autoMb)
            const bytes = Number.isFinite(mb) && mb > 0 ? Math.round(mb * MB) : 0
            void Promise.all([
              store.api.setSetting(SETTING_DOWNLOAD_DIR, dir.trim()),
              store.api.setSetting(SETTING_AUTO_ACCEPT_BYTES, bytes),
            ])
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
          <label className="field">
            <span>{t('settings.autoAccept')}</span>
            <input
              type="number"
              min={0}
              step="any"
              value={autoMb}
              onChange={(e) => {
                setAutoMb(e.target.value)
                setSaved(false)
              }}
              data-testid="auto-accept-mb"
            />
          </label>
          <button type="submit" className="primary" data-testid="download-dir-save">
            {saved ? t('settings.saved') : t('settings.save')}
          </button>
        </form>
      )}
      {current !== undefined && (
        <p className="hint" data-testid="download-dir-current">
          {t('settings.downloadDirNow', { path: current })}
        </p>
      )}
    </section>
  )
}
