// The safety number of me and a peer (docs/protocol.md §14): 60 digits in 12 groups of 5 and a
// QR code of them, the same on both screens; the user compares them in person or on a call and
// marks the peer verified.
import { useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'
import type { SafetyNumberView } from '../../../api/contract.js'
import { useStore } from './context.dom.js'
import { useEscape } from './use-escape.dom.js'

/** The QR modules as one SVG path: a unit square per dark module, a quiet zone of 2. */
function QrCode(props: { rows: string[]; label: string }) {
  const size = props.rows.length + 4
  let d = ''
  props.rows.forEach((row, y) => {
    for (let x = 0; x < row.length; x++) if (row[x] === '1') d += `M${x + 2} ${y + 2}h1v1h-1z`
  })
  return (
    <svg
      className="safety-qr"
      viewBox={`0 0 ${size} ${size}`}
      role="img"
      aria-label={props.label}
      data-testid="safety-qr"
      shapeRendering="crispEdges"
    >
      <rect width={size} height={size} fill="#fff" />
      <path d={d} fill="#000" />
    </svg>
  )
}

export function VerifyDialog(props: { peerId: string; name: string; onClose: () => void }) {
  const { t } = useTranslation()
  const store = useStore()
  const { onClose, peerId } = props
  const [safety, setSafety] = useState<SafetyNumberView | undefined>(undefined)
  const [problem, setProblem] = useState<string | undefined>(undefined)

  useEffect(() => {
    let live = true
    store.api.safetyNumber(peerId).then(
      (n) => live && setSafety(n),
      (error: unknown) => live && setProblem((error as Error).message),
    )
    return () => {
      live = false
    }
  }, [store, peerId])

  useEscape(onClose)

  const mark = async (verified: boolean): Promise<void> => {
    if (await store.setVerified(peerId, verified)) {
      setSafety((s) => (s === undefined ? s : { ...s, verified }))
    }
  }

  return (
    <div className="overlay" onClick={(e) => e.target === e.currentTarget && onClose()}>
      <div
        className="dialog verify-dialog"
        role="dialog"
        aria-modal="true"
        aria-labelledby="verify-title"
        data-testid="verify-dialog"
      >
        <h2 id="verify-title">{t('identity.safetyTitle', { name: props.name })}</h2>
        <p className="hint">{t('identity.safetyHint', { name: props.name })}</p>
        {problem !== undefined && (
          <p className="teach teach-problem" role="alert">
            {problem}
          </p>
        )}
        {safety !== undefined && (
          <>
            <div className="safety-number" data-testid="safety-number">
              {safety.groups.map((g, i) => (
                <span key={i}>{g}</span>
              ))}
            </div>
            <QrCode rows={safety.qr} label={t('identity.qr')} />
            <p className="verify-state" data-testid="verify-state">
              {safety.verified ? `✓ ${t('identity.verified')}` : t('identity.unverifiedShort')}
            </p>
          </>
        )}
        <div className="dialog-actions">
          {safety !== undefined &&
            (safety.verified ? (
              <button
                type="button"
                className="secondary"
                onClick={() => void mark(false)}
                data-testid="unmark-verified"
              >
                {t('identity.unmarkVerified')}
              </button>
            ) : (
              <button
                type="button"
                className="primary"
                onClick={() => void mark(true)}
                data-testid="mark-verified"
              >
                {t('identity.markVerified')}
              </button>
            ))}
          <button type="button" className="secondary" onClick={onClose} data-testid="verify-close">
            {t('identity.close')}
          </button>
        </div>
      </div>
    </div>
  )
}
