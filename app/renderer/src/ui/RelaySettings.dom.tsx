// Beyond the LAN, in Settings: the relay address and its live state (errors in words, the next
// retry), my contact link to hand out (with its QR code), and the connection check (`pigeon
// doctor`) that explains why someone does not appear.
import { useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'
import type { DoctorFinding } from '../../../api/contract.js'
import { toProblem } from '../state/app-store.dom.js'
import { useAppState, useStore } from './context.dom.js'
import { relativeLabel } from './format.dom.js'

export function RelaySettings() {
  const { t, i18n } = useTranslation()
  const store = useStore()
  const relay = useAppState((s) => s.relay)
  const [url, setUrl] = useState(relay?.url ?? '')
  useEffect(() => setUrl(relay?.url ?? ''), [relay?.url])
  if (relay === undefined) {
    return (
      <section className="card" data-testid="settings-relay">
        <h2>{t('settings.relay')}</h2>
        <p className="hint">{t('settings.relayNone')}</p>
      </section>
    )
  }
  return (
    <section className="card" data-testid="settings-relay">
      <h2>{t('settings.relay')}</h2>
      <form
        className="field-row"
        onSubmit={(e) => {
          e.preventDefault()
          void store.setRelay(url.trim() === '' ? null : url.trim())
        }}
      >
        <label className="field">
          <span>{t('settings.relayUrl')}</span>
          <input
            value={url}
            placeholder="mqtt://relay.example.org:1883#12D3KooW…"
            onChange={(e) => setUrl(e.target.value)}
            data-testid="relay-url"
          />
        </label>
        <button type="submit" className="primary" data-testid="relay-save">
          {t('settings.save')}
        </button>
        {relay.url !== null && (
          <button
            type="button"
            className="secondary"
            onClick={() => void store.setRelay(null)}
            data-testid="relay-off"
          >
            {t('settings.relayOff')}
          </button>
        )}
      </form>
      <p
        className={`relay-state relay-${relay.state}`}
        data-testid="relay-state"
        data-state={relay.state}
      >
        <span className="dot" /> {t(`settings.relayState.${relay.state}`)}
        {relay.state === 'error' && relay.retryAt !== null && relay.retryAt > Date.now() && (
          <span className="hint">
            {' '}
            · {t('settings.relayRetry', { when: relativeLabel(relay.retryAt, i18n.language) })}
          </span>
        )}
      </p>
      {relay.lastError !== null && relay.state !== 'connected' && (
        <p className="relay-error" data-testid="relay-error">
          {relay.lastError.message}
        </p>
      )}
      <p className="hint">
        {relay.url === null ? t('settings.relayNone') : t('settings.relayHint')}
      </p>
      <MyLink />
    </section>
  )
}

function MyLink() {
  const { t } = useTranslation()
  const store = useStore()
  const relayUrl = useAppState((s) => s.relay?.url)
  const me = useAppState((s) => s.me)
  const [link, setLink] = useState<{ link: string; qr: string } | undefined>(undefined)
  useEffect(() => {
    let live = true
    store.api.myLink().then(
      (l) => live && setLink(l),
      () => live && setLink(undefined),
    )
    return () => {
      live = false
    }
  }, [store, relayUrl, me?.name])
  if (link === undefined) return null
  return (
    <div className="field my-link">
      <span>{t('settings.myLink')}</span>
      {/* no clipboard API: the window has no permissions; the field selects itself for Ctrl+C */}
      <input
        readOnly
        value={link.link}
        onFocus={(e) => e.currentTarget.select()}
        data-testid="my-link"
      />
      <p className="hint">{t('settings.myLinkHint')}</p>
      <pre className="qr" aria-hidden="true">
        {link.qr}
      </pre>
    </div>
  )
}

const VERDICT = { ok: '✓', warn: '!', fail: '✗' } as const

export function Doctor() {
  const { t } = useTranslation()
  const store = useStore()
  const [findings, setFindings] = useState<DoctorFinding[] | undefined>(undefined)
  const [running, setRunning] = useState(false)
  const [problem, setProblem] = useState<string | undefined>(undefined)
  const run = async (): Promise<void> => {
    setRunning(true)
    setProblem(undefined)
    try {
      setFindings(await store.api.doctor())
    } catch (error) {
      setProblem(toProblem(error).message)
    } finally {
      setRunning(false)
    }
  }
  return (
    <section className="card" data-testid="doctor">
      <h2>{t('settings.doctor')}</h2>
      <p className="hint">{t('settings.doctorHint')}</p>
      <button
        type="button"
        className="primary"
        disabled={running}
        onClick={() => void run()}
        data-testid="doctor-run"
      >
        {running ? t('settings.doctorRunning') : t('settings.doctorRun')}
      </button>
      {problem !== undefined && <p className="relay-error">{problem}</p>}
      {findings !== undefined && (
        <ul className="findings">
          {findings.map((f) => (
            <li
              key={f.check}
              className={`finding finding-${f.verdict}`}
              data-testid="finding"
              data-verdict={f.verdict}
            >
              <span className="verdict" aria-label={f.verdict}>
                {VERDICT[f.verdict]}
              </span>
              <span>{f.message}</span>
            </li>
          ))}
        </ul>
      )}
    </section>
  )
}
