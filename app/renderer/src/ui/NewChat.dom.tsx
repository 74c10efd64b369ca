// Starting a conversation with someone who is not on this LAN: their PeerId is their address,
// on the LAN and on the relay alike (docs/protocol.md §1); the router picks the path.
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { useAppState, useStore } from './context.dom.js'

/** Ed25519 PeerIds: base58btc of the identity multihash, always "12D3KooW" + 44 characters. */
export const PEER_ID = /^12D3KooW[1-9A-HJ-NP-Za-km-z]{44}$/

export function NewChat() {
  const { t } = useTranslation()
  const store = useStore()
  const me = useAppState((s) => s.me)
  const [open, setOpen] = useState(false)
  const [value, setValue] = useState('')
  const [error, setError] = useState<string | undefined>(undefined)
  if (!open) {
    return (
      <button
        type="button"
        className="link-button new-chat-toggle"
        onClick={() => setOpen(true)}
        data-testid="new-chat"
      >
        + {t('sidebar.newChat')}
      </button>
    )
  }
  return (
    <form
      className="new-chat"
      onSubmit={(e) => {
        e.preventDefault()
        const link = value.trim()
        if (!PEER_ID.test(link) && !link.startsWith('pigeon:'))
          return setError(t('sidebar.newChatInvalid'))
        if (link === me?.peerId || link.startsWith(`pigeon:${me?.peerId ?? '-'}`))
          return setError(t('sidebar.newChatSelf'))
        setError(undefined)
        void store.addContact(link).then((problem) => {
          if (problem !== undefined) return setError(problem.message)
          setValue('')
          setOpen(false)
        })
      }}
    >
      <p className="hint">{t('sidebar.newChatHint')}</p>
      <div className="field-row">
        <input
          value={value}
          placeholder="pigeon:12D3KooW…"
          aria-label={t('sidebar.newChat')}
          onChange={(e) => setValue(e.target.value)}
          autoFocus
          data-testid="new-chat-peer"
        />
        <button type="submit" className="primary" data-testid="new-chat-open">
          {t('sidebar.newChatOpen')}
        </button>
      </div>
      {error !== undefined && (
        <p className="field-error" role="alert" data-testid="new-chat-error">
          {error}
        </p>
      )}
    </form>
  )
}
