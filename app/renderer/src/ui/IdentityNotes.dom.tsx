// Under a direct conversation's title: the verified badge, the host and key fingerprint when the
// name is shared, a warning when someone new has a contact's name or a verified name comes with
// another key, and — once, quietly — that the peer is not verified yet (docs/protocol.md §14).
import { useMemo, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { useAppState } from './context.dom.js'
import { peerName } from './format.dom.js'
import { identityWarning, nameClashes, whereLabel } from './identity.dom.js'
import { VerifyDialog } from './VerifyDialog.dom.js'

export function IdentityNotes(props: { peerId: string }) {
  const { t } = useTranslation()
  const peers = useAppState((s) => s.peers)
  const conversations = useAppState((s) => s.conversations)
  const [verifying, setVerifying] = useState(false)
  const peer = peers.get(props.peerId)
  const clashes = useMemo(() => nameClashes(peers), [peers])
  if (peer === undefined) return null
  const name = peerName(peer, peer.peerId)
  const others = clashes.get(peer.peerId) ?? []
  const warning = identityWarning(
    peer,
    others,
    (id) => conversations.has(id) || peers.get(id)?.verified === true,
  )
  const where = whereLabel(peer)
  const otherLabel = (other: typeof peer): string =>
    [other.host, other.fingerprint].filter((p) => p !== null).join(' · ')

  return (
    <div className="identity-notes" data-testid="identity-notes">
      <div className="identity-line">
        {peer.verified && (
          <span className="verified-badge" data-testid="verified-badge">
            ✓ {t('identity.verified')}
          </span>
        )}
        {where !== undefined && <span data-testid="header-where">{where}</span>}
        {others.length > 0 && (
          <span className="fingerprint" data-testid="header-fingerprint">
            {peer.fingerprint}
          </span>
        )}
        {peer.workgroup !== null && <span data-testid="header-workgroup">{peer.workgroup}</span>}
      </div>
      {warning !== undefined ? (
        <p className="identity-warning" role="alert" data-testid="identity-warning">
          {warning.kind === 'key-changed'
            ? t('identity.keyChanged', { name, other: otherLabel(warning.other) })
            : t('identity.sameName', { name, other: otherLabel(warning.other) })}{' '}
          <button type="button" className="link-button" onClick={() => setVerifying(true)}>
            {t('identity.verify')}
          </button>
        </p>
      ) : (
        !peer.verified && (
          <p className="identity-unverified" data-testid="unverified-note">
            {t('identity.notVerified', { name })}{' '}
            <button
              type="button"
              className="link-button"
              onClick={() => setVerifying(true)}
              data-testid="open-verify"
            >
              {t('identity.verify')}
            </button>
          </p>
        )
      )}
      {verifying && (
        <VerifyDialog peerId={peer.peerId} name={name} onClose={() => setVerifying(false)} />
      )}
    </div>
  )
}
