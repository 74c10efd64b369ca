// A group's info panel: its members with their presence (owner and admins marked); for the owner
// and admins, rename, add and remove; for everyone but the owner, leave. The engine decides who
// may do what (GroupView.role); the panel only offers what the role allows and shows the node's
// sentence when a change is refused. It follows 'group' events, so what others change shows live.
import { useMemo, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { LIMITS } from '../../../api/contract.js'
import type { GroupView } from '../../../api/contract.js'
import type { Problem } from '../state/app-store.dom.js'
import { Avatar } from './Avatar.dom.js'
import { useAppState, useStore } from './context.dom.js'
import { groupColor, peerName } from './format.dom.js'
import { PeerPicker, pickable, presenceOf } from './PeerPicker.dom.js'
import { useEscape } from './use-escape.dom.js'

export function GroupInfo(props: { group: GroupView; onClose: () => void }) {
  const { t } = useTranslation()
  const store = useStore()
  const peers = useAppState((s) => s.peers)
  const me = useAppState((s) => s.me)
  const group = props.group
  const myId = me?.peerId ?? ''
  const manages = group.joined && (group.role === 'owner' || group.role === 'admin')
  const [error, setError] = useState<string | undefined>(undefined)
  const [name, setName] = useState(group.name)
  const [adding, setAdding] = useState<ReadonlySet<string>>(new Set())
  const [confirmRemove, setConfirmRemove] = useState<string | undefined>(undefined)
  const [confirmLeave, setConfirmLeave] = useState(false)
  const [busy, setBusy] = useState(false)

  // someone else renamed it meanwhile: show the new name unless I am typing one
  const [seenName, setSeenName] = useState(group.name)
  if (seenName !== group.name) {
    setSeenName(group.name)
    if (name === seenName) setName(group.name)
  }

  const { onClose } = props
  useEscape(onClose)

  const nameOf = (peerId: string): string =>
    peerId === myId ? (me?.name ?? t('group.you')) : peerName(peers.get(peerId), peerId)
  const members = useMemo(() => {
    const rank = (id: string): number =>
      id === group.owner ? 0 : group.admins.includes(id) ? 1 : id === myId ? 2 : 3
    return [...group.members].sort(
      (a, b) =>
        rank(a) - rank(b) || peerName(peers.get(a), a).localeCompare(peerName(peers.get(b), b)),
    )
  }, [group, peers, myId])
  const addable = useMemo(
    () => pickable(peers.values(), new Set([...group.members, myId])),
    [peers, group.members, myId],
  )

  const run = async (change: () => Promise<Problem | undefined>): Promise<boolean> => {
    setBusy(true)
    const problem = await change()
    setBusy(false)
    setError(problem?.message)
    return problem === undefined
  }

  return (
    <aside className="group-info" aria-label={t('group.info')} data-testid="group-info">
      <header className="group-info-header">
        <h2>{t('group.info')}</h2>
        <button
          type="button"
          className="icon-button"
          aria-label={t('group.closeInfo')}
          title={t('group.closeInfo')}
          onClick={onClose}
          data-testid="group-info-close"
        >
          ✕
        </button>
      </header>

      <div className="group-info-identity">
        <Avatar name={group.name} color={groupColor(group.id)} size="large" group />
        <div className="group-info-name" data-testid="group-info-name">
          {group.name}
        </div>
      </div>

      {manages && (
        <form
          className="field-row"
          onSubmit={(e) => {
            e.preventDefault()
            const trimmed = name.trim()
            if (trimmed.length === 0 || trimmed === group.name) return
            void run(() => store.renameGroup(group.conversation, trimmed))
          }}
        >
          <label className="field">
            <span>{t('group.name')}</span>
            <input
              value={name}
              maxLength={LIMITS.groupNameChars}
              onChange={(e) => setName(e.target.value)}
              data-testid="group-rename-input"
            />
          </label>
          <button
            type="submit"
            className="primary"
            disabled={busy || name.trim().length === 0 || name.trim() === group.name}
            data-testid="group-rename-save"
          >
            {t('group.rename')}
          </button>
        </form>
      )}

      {!group.joined && (
        <p className="teach" data-testid="group-info-closed">
          {t('group.notMember')}
        </p>
      )}

      <h3 className="group-info-section">{t('group.members', { count: group.members.length })}</h3>
      <ul className="members">
        {members.map((id) => {
          const presence = id === myId ? (me?.status ?? 'online') : presenceOf(peers.get(id))
          const memberName = nameOf(id)
          const removable = manages && id !== myId && id !== group.owner
          return (
            <li key={id} className="member" data-testid="group-member" data-peer={id}>
              <Avatar
                name={memberName}
                color={id === myId ? me?.color : peers.get(id)?.color}
                presence={presence}
              />
              <span className="row-text">
                <span className="row-name">
                  {memberName}
                  {id === myId && <span className="tag">{t('group.you')}</span>}
                  {id === group.owner ? (
                    <span className="tag tag-owner" data-testid="member-role">
                      {t('group.owner')}
                    </span>
                  ) : group.admins.includes(id) ? (
                    <span className="tag" data-testid="member-role">
                      {t('group.admin')}
                    </span>
                  ) : null}
                </span>
                <span className="row-detail" data-testid="member-presence" data-presence={presence}>
                  {presence === 'offline'
                    ? t('group.offline')
                    : presence === 'online'
                      ? t('group.online')
                      : t(`everyday.${presence}`)}
                </span>
              </span>
              {removable && confirmRemove !== id && (
                <button
                  type="button"
                  className="link-button"
                  onClick={() => setConfirmRemove(id)}
                  data-testid="group-remove"
                >
                  {t('group.remove')}
                </button>
              )}
              {removable && confirmRemove === id && (
                <span className="confirm" role="alert">
                  <span>{t('group.removeConfirm', { name: memberName })}</span>
                  <button
                    type="button"
                    className="danger"
                    disabled={busy}
                    onClick={() =>
                      void run(() => store.removeFromGroup(group.conversation, id)).then(() =>
                        setConfirmRemove(undefined),
                      )
                    }
                    data-testid="group-remove-confirm"
                  >
                    {t('group.remove')}
                  </button>
                  <button
                    type="button"
                    className="link-button"
                    onClick={() => setConfirmRemove(undefined)}
                  >
                    {t('group.cancel')}
                  </button>
                </span>
              )}
            </li>
          )
        })}
      </ul>

      {manages && (
        <form
          className="group-add"
          onSubmit={(e) => {
            e.preventDefault()
            if (adding.size === 0) return
            void run(() => store.addToGroup(group.conversation, [...adding])).then((ok) => {
              if (ok) setAdding(new Set())
            })
          }}
        >
          <h3 className="group-info-section">{t('group.add')}</h3>
          {addable.length === 0 ? (
            <p className="hint" data-testid="group-nobody-to-add">
              {t('group.nobodyToAdd')}
            </p>
          ) : (
            <>
              <PeerPicker
                peers={addable}
                chosen={adding}
                onChange={setAdding}
                label={t('group.add')}
              />
              <button
                type="submit"
                className="primary"
                disabled={busy || adding.size === 0}
                data-testid="group-add"
              >
                {t('group.addButton')}
              </button>
            </>
          )}
        </form>
      )}

      {error !== undefined && (
        <p className="field-error" role="alert" data-testid="group-info-error">
          {error}
        </p>
      )}

      {group.joined && group.role !== 'owner' && (
        <div className="group-leave">
          {confirmLeave ? (
            <div className="confirm" role="alert" data-testid="group-leave-ask">
              <p>{t('group.leaveConfirm', { name: group.name })}</p>
              <button
                type="button"
                className="danger"
                disabled={busy}
                onClick={() =>
                  void run(() => store.leaveGroup(group.conversation)).then(() =>
                    setConfirmLeave(false),
                  )
                }
                data-testid="group-leave-confirm"
              >
                {t('group.leave')}
              </button>
              <button type="button" className="link-button" onClick={() => setConfirmLeave(false)}>
                {t('group.cancel')}
              </button>
            </div>
          ) : (
            <button
              type="button"
              className="danger-link"
              onClick={() => setConfirmLeave(true)}
              data-testid="group-leave"
            >
              {t('group.leave')}
            </button>
          )}
        </div>
      )}
    </aside>
  )
}
