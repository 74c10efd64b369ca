// The transfers panel: every transfer, both directions, newest first, with its state, progress
// and the same actions as its file bubble; a row opens its conversation. Its button sits at the
// top centre of the conversation (clear of the header's own buttons, hidden under Settings) and
// counts the transfers still under way (offered, accepted, moving, paused).
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { formatBytes } from '../../../../shared/byte-size.js'
import { FINAL_STATES } from '../../../../shared/transfer-state.js'
import type { TransferView } from '../../../api/contract.js'
import { useAppState, useStore } from './context.dom.js'
import { transferActions } from './FileBubble.dom.js'
import { peerName } from './format.dom.js'
import { fileIcon, percentOf, timeLeft } from './transfer-format.dom.js'

export function TransfersPanel() {
  const { t } = useTranslation()
  const [open, setOpen] = useState(false)
  const transfers = useAppState((s) => s.transfers)
  const settingsOpen = useAppState((s) => s.settingsOpen)
  if (transfers.size === 0 || settingsOpen) return null
  // ids are UUIDv7-ordered message ids: newest first by the file message's id
  const all = [...transfers.values()].sort((a, b) => (a.message < b.message ? 1 : -1))
  const active = all.filter((v) => !FINAL_STATES.has(v.state)).length
  return (
    <div className="transfers-dock">
      <button
        type="button"
        className="transfers-button"
        aria-expanded={open}
        onClick={() => setOpen(!open)}
        data-testid="open-transfers"
      >
        ⇅ {t('transfers.title')}
        {active > 0 && (
          <span className="transfers-active"> · {t('transfers.active', { count: active })}</span>
        )}
      </button>
      {open && (
        <section
          className="transfers-panel"
          data-testid="transfers"
          aria-label={t('transfers.title')}
        >
          <ul>
            {all.map((view) => (
              <TransferRow key={view.id} view={view} onOpen={() => setOpen(false)} />
            ))}
          </ul>
        </section>
      )}
    </div>
  )
}

function TransferRow(props: { view: TransferView; onOpen: () => void }) {
  const { t } = useTranslation()
  const store = useStore()
  const { view } = props
  const peer = useAppState((s) => s.peers.get(view.peer))
  const who = peerName(peer, view.peer)
  const left = timeLeft(view)
  return (
    <li className="transfer-row" data-testid="transfer" data-state={view.state} data-id={view.id}>
      <button
        type="button"
        className="transfer-name link-button"
        onClick={() => {
          store.select(view.peer)
          props.onOpen()
        }}
      >
        <span aria-hidden="true">{fileIcon(view.name)}</span> {view.name}
      </button>
      <span className="hint">
        {t(`file.direction.${view.direction}`, { peer: who })} · {formatBytes(view.size)}
      </span>
      <span data-testid="transfer-state">{t(`file.state.${view.state}`)}</span>
      {view.state === 'transferring' && (
        <span className="hint">
          <progress max={100} value={percentOf(view)} /> {formatBytes(view.rateBytesPerSec)}/s
          {left !== undefined ? ` · ${t('file.eta', { time: left })}` : ''}
        </span>
      )}
      <span className="file-actions">
        {transferActions(view).map((action) => (
          <button
            key={action}
            type="button"
            data-testid={`transfer-${action}`}
            onClick={() => void store.transferAction(action, view.id)}
          >
            {t(`file.${action}`)}
          </button>
        ))}
      </span>
    </li>
  )
}
