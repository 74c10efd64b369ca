// "New group": a name and who is in it, picked from the peers this node knows (on the LAN, through
// the relay, or met before). I own the group; creating it opens its conversation.
import { useMemo, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { LIMITS } from '../../../api/contract.js'
import { useAppState, useStore } from './context.dom.js'
import { PeerPicker, pickable } from './PeerPicker.dom.js'
import { useEscape } from './use-escape.dom.js'

export function NewGroup() {
  const { t } = useTranslation()
  const [open, setOpen] = useState(false)
  return (
    <>
      <button
        type="button"
        className="link-button new-chat-toggle"
        onClick={() => setOpen(true)}
        data-testid="new-group"
      >
        + {t('sidebar.newGroup')}
      </button>
      {open && <NewGroupDialog onClose={() => setOpen(false)} />}
    </>
  )
}

function NewGroupDialog(props: { onClose: () => void }) {
  const { t } = useTranslation()
  const store = useStore()
  const peers = useAppState((s) => s.peers)
  const me = useAppState((s) => s.me)
  const [name, setName] = useState('')
  const [chosen, setChosen] = useState<ReadonlySet<string>>(new Set())
  const [error, setError] = useState<string | undefined>(undefined)
  const [busy, setBusy] = useState(false)
  const candidates = useMemo(
    () => pickable(peers.values(), new Set(me === undefined ? [] : [me.peerId])),
    [peers, me],
  )
  const { onClose } = props

  useEscape(onClose)

  return (
    <div className="overlay" onClick={(e) => e.target === e.currentTarget && onClose()}>
      <form
        className="dialog"
        role="dialog"
        aria-modal="true"
        aria-labelledby="new-group-title"
        data-testid="new-group-dialog"
        onSubmit={(e) => {
          e.preventDefault()
          const trimmed = name.trim()
          if (trimmed.length === 0) return setError(t('group.nameMissing'))
          if (chosen.size === 0) return setError(t('group.pickMissing'))
          setError(undefined)
          setBusy(true)
          void store.createGroup(trimmed, [...chosen]).then((problem) => {
            setBusy(false)
            if (problem !== undefined) return setError(problem.message)
            onClose()
          })
        }}
      >
        <h2 id="new-group-title">{t('group.newTitle')}</h2>
        <label className="field">
          <span>{t('group.name')}</span>
          <input
            value={name}
            maxLength={LIMITS.groupNameChars}
            placeholder={t('group.namePlaceholder')}
            onChange={(e) => {
              setName(e.target.value)
              setError(undefined)
            }}
            autoFocus
            data-testid="new-group-name"
          />
        </label>
        <div className="field">
          <span>{t('group.pick')}</span>
          {candidates.length === 0 ? (
            <p className="hint" data-testid="new-group-nobody">
              {t('group.noPeers')}
            </p>
          ) : (
            <>
              <p className="hint">{t('group.pickHint')}</p>
              <PeerPicker
                peers={candidates}
                chosen={chosen}
                onChange={(next) => {
                  setChosen(next)
                  setError(undefined)
                }}
                label={t('group.pick')}
              />
            </>
          )}
        </div>
        {error !== undefined && (
          <p className="field-error" role="alert" data-testid="new-group-error">
            {error}
          </p>
        )}
        <div className="dialog-actions">
          <button type="button" className="secondary" onClick={onClose}>
            {t('group.cancel')}
          </button>
          <button type="submit" className="primary" disabled={busy} data-testid="new-group-create">
            {t('group.create')}
          </button>
        </div>
      </form>
    </div>
  )
}
