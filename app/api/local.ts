// MessengerApi over an engine in this process: turns store rows into the contract's JSON views.
// The local server serves exactly this; the Electron main process can hand it to IPC as is. The
// views themselves are in views.ts.
import { messageIdFromString } from '../../shared/envelope.js'
import { PigeonError } from '../../shared/errors.js'
import { parseTransferId, type TransferView as TransferView_ } from '../core/files/transfers.js'
import type { LegacyPeerLookup } from '../core/legacy/legacy-view.js'
import type { Messenger, PeerState } from '../core/messenger.js'
import type {
  ConversationRow,
  GroupRow,
  MeRow,
  MessageRow,
  TransferRow,
} from '../core/store/index.js'
import { conversationView, groupView, messageView, peerView, transferView } from './views.js'
import type {
  ContactLinkView,
  ConversationView,
  DoctorFinding,
  GroupView,
  HistoryQuery,
  MeView,
  MessageView,
  MessengerApi,
  MessengerEvent,
  PeerStatus,
  PeerView,
  RelayStatusView,
  SafetyNumberView,
  SettingValue,
  TransferView,
  Unsubscribe,
} from './contract.js'

/** What the API needs from the running node beyond the engine: the relay, contacts, checks. */
export interface NodeServices {
  relayStatus(): RelayStatusView
  setRelay(url: string | null): Promise<RelayStatusView>
  /** adds the contact and returns its PeerId */
  addContact(link: string): Promise<string>
  myLink(): Promise<ContactLinkView>
  doctor(peerId?: string): Promise<DoctorFinding[]>
  onRelayStatus(listener: (status: RelayStatusView) => void): () => void
  /** what the IPMsg bridge knows of a legacy peer now (app/core/legacy) */
  legacyPeer?: LegacyPeerLookup
}

function noServices(): never {
  throw new PigeonError('API_NOT_FOUND', 'This node runs without a relay or contact service.')
}

export class LocalApi implements MessengerApi {
  readonly #messenger: Messenger
  readonly #addresses: () => string[]
  readonly #services: NodeServices | undefined

  constructor(
    messenger: Messenger,
    /** my current listen addresses (from the LAN node) */
    addresses: () => string[] = () => [],
    services?: NodeServices,
  ) {
    this.#messenger = messenger
    this.#addresses = addresses
    this.#services = services
  }

  async relayStatus(): Promise<RelayStatusView> {
    return (
      this.#services?.relayStatus() ?? { state: 'off', url: null, lastError: null, retryAt: null }
    )
  }

  async setRelay(url: string | null): Promise<RelayStatusView> {
    return await (this.#services ?? noServices()).setRelay(url)
  }

  async addContact(link: string): Promise<PeerView> {
    const peerId = await (this.#services ?? noServices()).addContact(link)
    const peer = this.#messenger.peer(peerId)
    if (peer === undefined) throw new PigeonError('API_INTERNAL', 'The contact was not saved.')
    return peerView(peer, this.#services?.legacyPeer)
  }

  async myLink(): Promise<ContactLinkView> {
    return await (this.#services ?? noServices()).myLink()
  }

  async doctor(peer?: string): Promise<DoctorFinding[]> {
    const peerId = peer === undefined ? undefined : this.#messenger.resolvePeer(peer)
    return await (this.#services ?? noServices()).doctor(peerId)
  }

  async me(): Promise<MeView> {
    return this.#meView(this.#messenger.me())
  }

  async peers(): Promise<PeerView[]> {
    return this.#messenger.peers().map((p) => peerView(p, this.#services?.legacyPeer))
  }

  async conversations(): Promise<ConversationView[]> {
    return this.#messenger.conversations().map((c) => this.#conversationView(c))
  }

  async history(peer: string, query: HistoryQuery = {}): Promise<MessageView[]> {
    const before = query.before === undefined ? undefined : parseId(query.before)
    return this.#messenger.history(peer, { before, limit: query.limit }).map(messageView)
  }

  async search(text: string, limit?: number): Promise<MessageView[]> {
    return this.#messenger.search(text, limit).map(messageView)
  }

  async send(
    peer: string,
    text: string,
    options: { replyTo?: string; mentions?: string[] } = {},
  ): Promise<MessageView> {
    const replyTo = options.replyTo === undefined ? undefined : parseId(options.replyTo)
    return messageView(this.#messenger.send(peer, text, { replyTo, mentions: options.mentions }))
  }

  async recall(id: string): Promise<MessageView> {
    return messageView(this.#messenger.recall(parseId(id)))
  }

  async mute(peer: string, muted: boolean): Promise<ConversationView> {
    return this.#conversationView(this.#messenger.mute(peer, muted))
  }

  async markRead(peer: string): Promise<{ read: number }> {
    return { read: this.#messenger.markRead(peer).length }
  }

  async typing(peer: string, typing: boolean): Promise<void> {
    await this.#messenger.typing(peer, typing)
  }

  async setProfile(change: {
    name?: string
    color?: number
    workgroup?: string | null
  }): Promise<MeView> {
    return this.#meView(await this.#messenger.setProfile(change))
  }

  async setStatus(status: PeerStatus): Promise<MeView> {
    return this.#meView(await this.#messenger.setStatus(status))
  }

  async getSetting(key: string): Promise<SettingValue | null> {
    return this.#messenger.getSetting(key) ?? null
  }

  async setSetting(key: string, value: SettingValue): Promise<void> {
    this.#messenger.setSetting(key, value)
  }

  async groups(): Promise<GroupView[]> {
    return this.#messenger.groups().map((g) => this.#groupView(g))
  }

  async group(group: string): Promise<GroupView> {
    return this.#groupView(this.#messenger.group(group))
  }

  async createGroup(name: string, members: string[]): Promise<GroupView> {
    return this.#groupView(await this.#messenger.createGroup(name, members))
  }

  async addToGroup(group: string, members: string[]): Promise<GroupView> {
    return this.#groupView(await this.#messenger.addToGroup(group, members))
  }

  async removeFromGroup(group: string, members: string[]): Promise<GroupView> {
    return this.#groupView(await this.#messenger.removeFromGroup(group, members))
  }

  async leaveGroup(group: string): Promise<GroupView> {
    return this.#groupView(await this.#messenger.leaveGroup(group))
  }

  async renameGroup(group: string, name: string): Promise<GroupView> {
    return this.#groupView(await this.#messenger.renameGroup(group, name))
  }

  async forgetPeer(peer: string): Promise<{ forgotten: boolean }> {
    return { forgotten: this.#messenger.forgetPeer(this.#messenger.resolvePeer(peer)) }
  }

  async safetyNumber(peer: string): Promise<SafetyNumberView> {
    const n = this.#messenger.verification.safetyNumber(this.#messenger.resolvePeer(peer))
    return {
      peerId: n.peerId,
      safetyNumber: n.digits,
      groups: n.groups,
      qr: n.qr,
      verified: n.verified,
    }
  }

  async setVerified(peer: string, verified: boolean): Promise<PeerView> {
    const peerId = this.#messenger.resolvePeer(peer)
    this.#messenger.verification.setVerified(peerId, verified)
    const state = this.#messenger.peer(peerId)
    if (state === undefined) throw new PigeonError('API_INTERNAL', 'The peer was not saved.')
    return peerView(state)
  }

  async sendFiles(peer: string, paths: string[]): Promise<TransferView[]> {
    const rows = await this.#messenger.sendFiles(peer, paths)
    return rows.map((row) => transferView({ ...row, rateBytesPerSec: 0 }))
  }

  async sendTextAsFile(peer: string, text: string): Promise<TransferView[]> {
    const rows = await this.#messenger.sendTextAsFile(peer, text)
    return rows.map((row) => this.#transfer(row))
  }

  async transfers(): Promise<TransferView[]> {
    return this.#messenger.transfers.list().map(transferView)
  }

  async acceptTransfer(id: string, dir?: string): Promise<TransferView> {
    return this.#transfer(await this.#messenger.transfers.accept(parseTransferId(id), dir))
  }

  async declineTransfer(id: string): Promise<TransferView> {
    return this.#transfer(this.#messenger.transfers.decline(parseTransferId(id)))
  }

  async cancelTransfer(id: string): Promise<TransferView> {
    return this.#transfer(await this.#messenger.transfers.cancel(parseTransferId(id)))
  }

  async pauseTransfer(id: string): Promise<TransferView> {
    return this.#transfer(await this.#messenger.transfers.pause(parseTransferId(id)))
  }

  async resumeTransfer(id: string): Promise<TransferView> {
    return this.#transfer(await this.#messenger.transfers.resume(parseTransferId(id)))
  }

  async downloadDir(): Promise<string> {
    return this.#messenger.transfers.downloadDir()
  }

  #transfer(row: TransferRow): TransferView {
    return transferView({ ...row, rateBytesPerSec: 0 })
  }

  subscribe(listener: (event: MessengerEvent) => void): Unsubscribe {
    const m = this.#messenger
    const onMessage = (row: MessageRow): void =>
      listener({ type: 'message', message: messageView(row) })
    const onState = (row: MessageRow): void =>
      listener({ type: 'message-state', message: messageView(row) })
    const onPeer = (peer: PeerState): void =>
      listener({ type: 'peer', peer: peerView(peer, this.#services?.legacyPeer) })
    const onProfile = (me: MeRow): void => listener({ type: 'profile', me: this.#meView(me) })
    const onTyping = (e: { peerId: string; typing: boolean }): void =>
      listener({ type: 'typing', ...e })
    const onForgotten = (e: { peerId: string }): void => listener({ type: 'peer-forgotten', ...e })
    const onConversation = (c: ConversationRow): void =>
      listener({ type: 'conversation', conversation: this.#conversationView(c) })
    m.on('message', onMessage)
    m.on('message-state', onState)
    m.on('peer', onPeer)
    m.on('profile', onProfile)
    m.on('typing', onTyping)
    m.on('peer-forgotten', onForgotten)
    m.on('conversation', onConversation)
    const onGroup = (g: GroupRow): void => listener({ type: 'group', group: this.#groupView(g) })
    m.on('group', onGroup)
    const onTransfer = (view: TransferView_): void =>
      listener({ type: 'transfer', transfer: transferView(view) })
    m.on('transfer', onTransfer)
    const offRelay = this.#services?.onRelayStatus((relay) => listener({ type: 'relay', relay }))
    return () => {
      offRelay?.()
      m.off('message', onMessage)
      m.off('message-state', onState)
      m.off('peer', onPeer)
      m.off('profile', onProfile)
      m.off('typing', onTyping)
      m.off('peer-forgotten', onForgotten)
      m.off('conversation', onConversation)
      m.off('group', onGroup)
      m.off('transfer', onTransfer)
    }
  }

  #meView(me: MeRow): MeView {
    return { ...me, addresses: this.#addresses() }
  }

  #groupView(group: GroupRow): GroupView {
    return groupView(group, this.#messenger.peerId)
  }

  #conversationView(c: ConversationRow): ConversationView {
    return conversationView(c, this.#messenger)
  }
}

function parseId(hex: string): Uint8Array {
  try {
    return messageIdFromString(hex)
  } catch (cause) {
    throw new PigeonError(
      'API_BAD_REQUEST',
      `"${hex.slice(0, 40)}" is not a message id (32 hex digits).`,
      { cause },
    )
  }
}
