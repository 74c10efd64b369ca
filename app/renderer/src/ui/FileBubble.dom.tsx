// A file message (docs/protocol.md §10 "In the app"): "Ada sent report.pdf (2.1 MB)", the
// transfer's state and progress (rate, time left), and for the receiver accept / decline (pause,
// resume, cancel while it runs); once received, its thumbnail and download (ReceivedFile). The bubble is pure (props in, callbacks out) so it renders without a node;
// FileMessage connects it to the store.
import { useTranslation } from 'react-i18next'
import { formatBytes } from '../../../../shared/byte-size.js'
import type { MessageView, TransferView } from '../../../api/contract.js'
import type { TransferAction } from '../state/app-store.dom.js'
import { useAppState, useStore } from './context.dom.js'
import { ReceivedFile } from './ReceivedFile.dom.js'
import { fileIcon, percentOf, timeLeft } from './transfer-format.dom.js'

export type { TransferAction }

/** what the user may do to a transfer in this state, from this side */
export function transferActions(t: TransferView): TransferAction[] {
  if (t.direction === 'out')
    return t.state === 'offered' || t.state === 'transferring' ? ['cancel'] : []
  switch (t.state) {
    case 'offered':
      return ['accept', 'decline']
    case 'accepted':
    case 'transferring':
      return ['pause', 'cancel']
    case 'paused':
    case 'failed':
      return ['resume', 'cancel']
    default:
      return []
  }
}

export function FileBubble(props: {
  message: MessageView
  senderName: string
  transfer?: TransferView
  onAction?: (action: TransferAction, id: string) => void
}) {
  const { t } = useTranslation()
  const { message, transfer } = props
  const name = transfer?.name ?? message.text ?? ''
  const size = formatBytes(transfer?.size ?? 0)
  const title =
    message.direction === 'out'
      ? t('file.sent', { name, size })
      : t('file.received', { sender: props.senderName, name, size })
  // progress shows while bytes move, and stays visible (frozen) while paused or failed half way
  const moving =
    transfer !== undefined &&
    (transfer.state === 'transferring' ||
      ((transfer.state === 'paused' || transfer.state === 'failed') && transfer.bytesDone > 0))
  const left = transfer === undefined ? undefined : timeLeft(transfer)
  return (
    <div className="file-bubble" data-testid="file" data-state={transfer?.state ?? 'unknown'}>
      <div className="file-title">
        <span className="file-icon" aria-hidden="true">
          {fileIcon(name)}
        </span>
        {title}
      </div>
      {transfer !== undefined && (
        <div className="file-status">
          <span data-testid="file-state">{t(`file.state.${transfer.state}`)}</span>
          {moving && (
            <>
              <progress max={100} value={percentOf(transfer)} data-testid="file-progress" />
              <span data-testid="file-rate">
                {t('file.progress', {
                  done: formatBytes(transfer.bytesDone),
                  size,
                  rate: formatBytes(transfer.rateBytesPerSec),
                })}
                {left !== undefined && transfer.state === 'transferring'
                  ? ` · ${t('file.eta', { time: left })}`
                  : ''}
              </span>
            </>
          )}
          {transfer.state === 'done' && transfer.direction === 'in' && transfer.path !== null && (
            <span className="file-path">{t('file.savedTo', { path: transfer.path })}</span>
          )}
          {transfer.error !== null && transfer.state === 'failed' && (
            <span className="file-error">{transfer.error}</span>
          )}
        </div>
      )}
      {transfer !== undefined && <ReceivedFile transfer={transfer} />}
      {transfer !== undefined && (
        <div className="file-actions">
          {transferActions(transfer).map((action) => (
            <button
              key={action}
              type="button"
              data-testid={`file-${action}`}
              onClick={() => props.onAction?.(action, transfer.id)}
            >
              {t(`file.${action}`)}
            </button>
          ))}
        </div>
      )}
    </div>
  )
}

/** The bubble with its transfer from the store, its buttons calling the node. */
export function FileMessage(props: { message: MessageView }) {
  const store = useStore()
  const transfer = useAppState((s) => s.transfers.get(props.message.id))
  const peer = useAppState((s) => s.peers.get(props.message.from))
  return (
    <FileBubble
      message={props.message}
      senderName={peer?.name ?? props.message.from.slice(0, 8)}
      transfer={transfer}
      onAction={(action, id) => void store.transferAction(action, id)}
    />
  )
}
