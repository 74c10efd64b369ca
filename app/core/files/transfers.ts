// Transfers as the user sees them (docs/protocol.md §10–§11): what I offered and what I was
// offered, each a row in the transfers table (schema 7) with a file message in the conversation.
// Sending queues the `file offer` envelope in the outbox like a text (retried and acked the same
// way). To a peer the LAN does not reach, with a relay set, the item first goes to the relay's
// blob store and the offer follows once it is there (relay-transfers.ts, §12 "In the app").
// Receiving is accept → pull over /pigeon/file/1.0.0 (FileService.receive), or download the
// relay blob, into the download dir; pause and cancel abort and keep the partial data, resume
// fetches only what is not verified on disk. A pull or upload that was running when the node
// stopped, or whose peer or relay went away, runs again (transfer-runs.ts runs them; this file
// holds the user's controls).
import { mkdir } from 'node:fs/promises'
import { decodeEnvelope, type Envelope, type EnvelopeOf } from '../../../shared/envelope.js'
import { PigeonError } from '../../../shared/errors.js'
import { LIMITS } from '../../../shared/limits.js'
import type { PathName } from '../delivery.js'
import { errorText, type Logger } from '../log.js'
import type { Identity } from '../../../shared/identity.js'
import { FINAL_STATES, type Store, type TransferRow, type TransferState } from '../store/index.js'
import { removePartial } from './blob-download.js'
import { foreignFor, type ForeignFiles } from './foreign-files.js'
import { defaultDownloadDir } from './download-dir.js'
import type { FileCloseOutcome } from './file-frames.js'
import type { FileService } from './file-service.js'
import { RelayTransfers } from './relay-transfers.js'
import { storeOffer, type OfferTarget } from './offer-rows.js'
import { sendOffer } from './send-offer.js'
import { incomingIn, isGroupOffer, knownTransfer } from './transfer-checks.js'
import { TransferRuns } from './transfer-runs.js'
import { hex, type TransferView } from './transfer-progress.js'

export { parseTransferId, PROGRESS_INTERVAL_MS, type TransferView } from './transfer-progress.js'
export const SETTING_DOWNLOAD_DIR = 'files.downloadDir'
/** offers up to this many bytes from a peer I have written to are accepted at once; 0/unset: never */
export const SETTING_AUTO_ACCEPT_BYTES = 'files.autoAcceptBytes'

export interface TransfersInit {
  store: Store
  /** my PeerId */
  me: string
  now: () => number
  /** the LAN node's file service; undefined while the LAN node is not running */
  files: () => FileService | undefined
  /** IP Messenger users' files (foreign-files.ts); undefined while the IPMsg bridge is off */
  foreign?: () => ForeignFiles | undefined
  isOnline: (peerId: string) => boolean
  /** whether the LAN reaches the peer now (the router's 'lan' path, router/outbox-router.ts) */
  lanReaches: (peerId: string) => boolean
  identity: Identity
  /** the relay address in use, if any (relay/setting.ts) */
  relayAddress: () => string | undefined
  onTransfer: (view: TransferView) => void
  onMessage: (messageId: Uint8Array) => void
  kick: (recipient: string) => void
  log: Logger
}

export class TransferService {
  readonly #init: TransfersInit
  readonly #relay: RelayTransfers
  readonly #runs: TransferRuns

  constructor(init: TransfersInit) {
    this.#init = init
    this.#relay = new RelayTransfers({ ...init, db: init.store.db })
    this.#runs = new TransferRuns({
      ...init,
      relay: this.#relay,
      changed: (id, change) => this.#changed(id, change),
      emit: (row, rate) => this.#emit(row, rate),
    })
  }

  list(): TransferView[] {
    return this.#init.store.transfers.all().map((row) => ({ ...row, rateBytesPerSec: 0 }))
  }

  get(id: Uint8Array): TransferRow {
    return knownTransfer(this.#init.store.transfers.get(id), id)
  }

  /** The download dir: the setting files.downloadDir, else the OS one's Pigeon (download-dir.ts). */
  downloadDir(): string {
    const set = this.#init.store.settings.get(SETTING_DOWNLOAD_DIR)
    return typeof set === 'string' && set !== '' ? set : defaultDownloadDir()
  }

  /**
   * One offer per path (a file or a folder), each queued like a text; returns the new rows. To a
   * peer off the LAN, with a relay set, the item is uploaded first and its offer held until then.
   */
  async send(peer: string, paths: readonly string[]): Promise<TransferRow[]> {
    if (peer === this.#init.me)
      throw new PigeonError('PEER_UNKNOWN', 'That PeerId is yours; send to someone else.')
    return await this.#offer({ peer }, [peer], paths)
  }

  /**
   * To a group: one offer per path for all its members (but me). The LAN pulls directly; the
   * members the LAN does not reach share one relay blob, its key in each one's sealed offer.
   */
  async sendToGroup(
    groupId: string,
    members: readonly string[],
    paths: readonly string[],
  ): Promise<TransferRow[]> {
    if (members.length === 0)
      throw new PigeonError('GROUP_NOT_MEMBER', 'The group has no other member to send to.')
    return await this.#offer({ group: groupId, members }, members, paths)
  }

  async #offer(
    target: OfferTarget,
    members: readonly string[],
    paths: readonly string[],
  ): Promise<TransferRow[]> {
    if ('peer' in target) {
      const foreign = foreignFor(target.peer, this.#init.foreign)
      if (foreign !== undefined) return await this.#offerForeign(foreign, target, paths)
    }
    const remote = members.filter((member) => !this.#init.lanReaches(member))
    const relayed = remote.length > 0 && this.#relay.available()
    const files = relayed ? this.#init.files() : this.#runs.lanFiles()
    const init = { ...this.#init, relay: this.#relay, files }
    const rows: TransferRow[] = []
    for (const path of paths) {
      // through the relay, the offer goes out only once the blob is up (#upload queues it then)
      const sent = await sendOffer(init, target, members, relayed ? remote : undefined, path)
      this.#init.onMessage(sent.messageId)
      rows.push(this.#changed(sent.transferId, {}))
      if (relayed) this.#runs.upload(sent.transferId)
    }
    for (const member of members) this.#init.kick(member)
    return rows
  }

  /** To an IP Messenger user: hashed like any offer, served by the bridge (foreign-files.ts). */
  async #offerForeign(
    foreign: ForeignFiles,
    target: { peer: string },
    paths: readonly string[],
  ): Promise<TransferRow[]> {
    const init = { ...this.#init, relay: this.#relay, files: undefined }
    const rows: TransferRow[] = []
    for (const path of paths) {
      const sent = await sendOffer(init, target, [target.peer], undefined, path)
      const envelope = decodeEnvelope(this.get(sent.transferId).offer)
      if (envelope.kind === 'file-offer') foreign.offer(target.peer, envelope.file, path)
      this.#init.onMessage(sent.messageId)
      rows.push(this.#changed(sent.transferId, {}))
    }
    this.#init.kick(target.peer)
    return rows
  }

  /** The envelope the outbox sends for a file message of mine (router/outbox-router.ts). */
  envelopeFor(messageId: Uint8Array): Envelope | undefined {
    const row = this.#init.store.transfers.byMessage(messageId)
    return row === undefined ? undefined : this.#relay.envelope(decodeEnvelope(row.offer))
  }

  /** An offer arrived (inbound/file-offer.ts): stored with its file message, once. */
  offered(envelope: EnvelopeOf<'file-offer'>, via: PathName): void {
    const { store, now } = this.#init
    const id = envelope.file.transferId
    if (id === undefined) {
      // every offer names its transfer (docs/protocol.md §10): the blob path needs it as well
      this.#init.log.warn(`ignored a file offer without a transfer id from ${envelope.sender}`)
      return
    }
    const inserted = storeOffer(store, envelope, via, now())
    if (!inserted) return
    this.#init.onMessage(envelope.id)
    this.#emit(this.get(id), 0)
    if (this.#autoAccepts(envelope.sender, envelope.file.size))
      this.accept(id).catch((error: unknown) =>
        this.#init.log.warn({ err: errorText(error) }, 'auto-accept failed; it waits as offered'),
      )
  }

  /** A peer is known once I wrote to them (in my last page of history with them): a stranger's
   * file always waits to be accepted, whatever its size. */
  #autoAccepts(peer: string, size: number): boolean {
    const { store, me } = this.#init
    const limit = store.settings.get(SETTING_AUTO_ACCEPT_BYTES)
    if (typeof limit !== 'number' || limit <= 0 || size > limit) return false
    return store.messages.history(peer, { limit: LIMITS.historyPage }).some((m) => m.sender === me)
  }

  /** Starts pulling an offer I received into `dir` (default: the download dir, made if missing). */
  async accept(id: Uint8Array, dir?: string): Promise<TransferRow> {
    this.#incoming(id, ['offered'], 'an offered one can be accepted')
    const targetDir = dir ?? this.downloadDir()
    await mkdir(targetDir, { recursive: true })
    this.#changed(id, { state: 'accepted', targetPath: targetDir })
    return this.#runs.run(id)
  }

  decline(id: Uint8Array): TransferRow {
    const row = this.#incoming(id, ['offered'], 'an offered one can be declined')
    this.#runs.tellSender(row, 'declined')
    return this.#changed(id, { state: 'declined' })
  }

  async pause(id: Uint8Array): Promise<TransferRow> {
    this.#incoming(id, ['accepted', 'transferring'], 'a running one can be paused')
    await this.#runs.abort(id, 'paused')
    return this.#changed(id, { state: 'paused' })
  }

  async resume(id: Uint8Array): Promise<TransferRow> {
    this.#incoming(id, ['paused', 'failed'], 'a paused or failed one can be resumed')
    this.#changed(id, { state: 'accepted' })
    return this.#runs.run(id)
  }

  /** Mine: stop serving it. Theirs: stop pulling and delete what was received of it. */
  async cancel(id: Uint8Array): Promise<TransferRow> {
    const row = this.get(id)
    if (FINAL_STATES.has(row.state))
      throw new PigeonError('FILE_TRANSFER_STATE', `Transfer ${hex(id)} is ${row.state} already.`)
    await this.#runs.abort(id, 'cancelled')
    if (row.direction === 'out') {
      this.#init.files()?.withdraw(id)
      this.#init.foreign?.()?.withdraw(id)
      this.#relay.cancel(row).catch((error) => this.#runs.warn(error, `blob of ${hex(id)} kept`))
      return this.#changed(id, { state: 'cancelled' })
    }
    if (row.targetPath !== null) await removePartial(row.targetPath, id)
    this.#runs.tellSender(row, 'cancelled')
    return this.#changed(id, { state: 'cancelled' })
  }

  /** The receiver of one of my offers is finished with it (CLOSE, docs/protocol.md §11). */
  closedByReceiver(id: Uint8Array, peer: string, outcome: FileCloseOutcome): void {
    const row = this.#init.store.transfers.get(id)
    if (row === undefined || row.direction !== 'out' || FINAL_STATES.has(row.state)) return
    if (isGroupOffer(row)) void this.#runs.groupDone(row)
    else if (row.peer === peer)
      this.#changed(id, { state: outcome, bytesDone: outcome === 'done' ? row.size : undefined })
  }

  /** The peer is reachable (again): pulls of it that were interrupted run again. */
  peerReachable(peerId: string): void {
    this.#runs.peerReachable(peerId)
  }

  /** At start: every pull, download and upload that was running when the node stopped runs again. */
  resumeInterrupted(): void {
    this.#runs.resumeInterrupted()
  }

  /** Ends the running pulls; they stay 'transferring' and run again after the next start. */
  async stop(): Promise<void> {
    await this.#runs.stop()
  }

  #incoming(id: Uint8Array, states: readonly TransferState[], what: string): TransferRow {
    return incomingIn(this.get(id), states, what)
  }

  #changed(id: Uint8Array, change: Parameters<Store['transfers']['update']>[1]): TransferRow {
    const row = this.#init.store.transfers.update(id, change, this.#init.now())
    if (row === undefined) throw new PigeonError('FILE_TRANSFER_UNKNOWN', `No transfer ${hex(id)}.`)
    this.#emit(row, 0)
    return row
  }

  #emit(row: TransferRow, rateBytesPerSec: number): void {
    this.#init.onTransfer({ ...row, rateBytesPerSec })
  }
}
