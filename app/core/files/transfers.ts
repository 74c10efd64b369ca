// Transfers as the user sees them (docs/protocol.md §10–§11): what I offered and what I was
// offered, each a row in the transfers table (schema 7) with a file message in the conversation.
// Sending queues the `file offer` envelope in the outbox like a text (retried and acked the same
// way). To a peer the LAN does not reach, with a relay set, the item first goes to the relay's
// blob store and the offer follows once it is there (relay-transfers.ts, §12 "In the app").
// Receiving is accept → pull over /pigeon/file/1.0.0 (FileService.receive), or download the
// relay blob, into the download dir; pause and cancel abort and keep the partial data, resume
// fetches only what is not verified on disk. A pull or upload that was running when the node
// stopped, or whose peer or relay went away, runs again.
import { mkdir } from 'node:fs/promises'
import { decodeEnvelope, type Envelope, type EnvelopeOf } from '../../../shared/envelope.js'
import { PigeonError } from '../../../shared/errors.js'
import { LIMITS } from '../../../shared/limits.js'
import type { PathName } from '../delivery.js'
import { errorText, type Logger } from '../log.js'
import { DEFAULT_BACKOFF } from '../../../shared/backoff.js'
import type { Identity } from '../../../shared/identity.js'
import { FINAL_STATES, type Store, type TransferRow, type TransferState } from '../store/index.js'
import { removePartial } from './blob-download.js'
import { defaultDownloadDir } from './download-dir.js'
import type { FileCloseOutcome } from './file-frames.js'
import type { FileService } from './file-service.js'
import { BLOB_EXPIRED, RelayTransfers } from './relay-transfers.js'
import { storeOffer, type OfferTarget } from './offer-rows.js'
import { sendOffer } from './send-offer.js'
import {
  incomingIn,
  isBlobOffer,
  isGroupOffer,
  isRetryable,
  knownTransfer,
} from './transfer-checks.js'
import { TransferJobs } from './transfer-jobs.js'
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
  readonly #jobs: TransferJobs

  constructor(init: TransfersInit) {
    this.#init = init
    this.#relay = new RelayTransfers({ ...init, db: init.store.db })
    this.#jobs = new TransferJobs({
      now: init.now,
      changed: (id, change) => this.#changed(id, change),
      progress: (id, bytesDone, rate) =>
        this.#emit(
          init.store.transfers.update(id, { state: 'transferring', bytesDone }, init.now())!,
          rate,
        ),
      // the peer or the relay went away (or is not back yet): it runs again when reachable
      retryable: (row, error) => isRetryable(row, error, init.isOnline),
      restart: (row) => this.#restart(row),
      current: (id) => init.store.transfers.get(id),
      // an upload the relay refused: its offer never goes out, so its file message fails too
      failed: (row, error) => {
        if (row.direction === 'out' && init.store.messages.fail(row.messageId, error))
          init.onMessage(row.messageId)
      },
      backoff: DEFAULT_BACKOFF,
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
    const remote = members.filter((member) => !this.#init.lanReaches(member))
    const relayed = remote.length > 0 && this.#relay.available()
    const files = relayed ? this.#init.files() : this.#files()
    const init = { ...this.#init, relay: this.#relay, files }
    const rows: TransferRow[] = []
    for (const path of paths) {
      // through the relay, the offer goes out only once the blob is up (#upload queues it then)
      const sent = await sendOffer(init, target, members, relayed ? remote : undefined, path)
      this.#init.onMessage(sent.messageId)
      rows.push(this.#changed(sent.transferId, {}))
      if (relayed) this.#upload(sent.transferId)
    }
    for (const member of members) this.#init.kick(member)
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
    return this.#run(id)
  }

  decline(id: Uint8Array): TransferRow {
    const row = this.#incoming(id, ['offered'], 'an offered one can be declined')
    this.#tellSender(row, 'declined')
    return this.#changed(id, { state: 'declined' })
  }

  async pause(id: Uint8Array): Promise<TransferRow> {
    this.#incoming(id, ['accepted', 'transferring'], 'a running one can be paused')
    await this.#jobs.abort(id, 'paused')
    return this.#changed(id, { state: 'paused' })
  }

  async resume(id: Uint8Array): Promise<TransferRow> {
    this.#incoming(id, ['paused', 'failed'], 'a paused or failed one can be resumed')
    this.#changed(id, { state: 'accepted' })
    return this.#run(id)
  }

  /** Mine: stop serving it. Theirs: stop pulling and delete what was received of it. */
  async cancel(id: Uint8Array): Promise<TransferRow> {
    const row = this.get(id)
    if (FINAL_STATES.has(row.state))
      throw new PigeonError('FILE_TRANSFER_STATE', `Transfer ${hex(id)} is ${row.state} already.`)
    await this.#jobs.abort(id, 'cancelled')
    if (row.direction === 'out') {
      this.#init.files()?.withdraw(id)
      this.#relay.cancel(row).catch((error) => this.#warn(error, `blob of ${hex(id)} kept`))
      return this.#changed(id, { state: 'cancelled' })
    }
    if (row.targetPath !== null) await removePartial(row.targetPath, id)
    this.#tellSender(row, 'cancelled')
    return this.#changed(id, { state: 'cancelled' })
  }

  /** The receiver of one of my offers is finished with it (CLOSE, docs/protocol.md §11). */
  closedByReceiver(id: Uint8Array, peer: string, outcome: FileCloseOutcome): void {
    const row = this.#init.store.transfers.get(id)
    if (row === undefined || row.direction !== 'out' || FINAL_STATES.has(row.state)) return
    if (isGroupOffer(row)) void this.#groupDone(row)
    else if (row.peer === peer)
      this.#changed(id, { state: outcome, bytesDone: outcome === 'done' ? row.size : undefined })
  }

  /** A group offer of mine: done once every member has it (RelayTransfers.groupFinished). */
  async #groupDone(row: TransferRow): Promise<void> {
    const served = this.#init.files()?.offeredTo(row.id) ?? []
    if (!(await this.#relay.groupFinished(row.id, served))) return
    if (!FINAL_STATES.has(this.get(row.id).state))
      this.#changed(row.id, { state: 'done', bytesDone: row.size })
  }

  /** Best effort: the sender stops serving it; if it is unreachable its offer simply stays. */
  #tellSender(row: TransferRow, outcome: FileCloseOutcome): void {
    const files = this.#init.files()
    if (files === undefined) return
    files
      .close(row.peer, row.id, outcome)
      .catch((error) => this.#warn(error, `could not tell ${row.peer} about ${hex(row.id)}`))
  }

  #warn(error: unknown, what: string): void {
    this.#init.log.warn({ err: errorText(error) }, what)
  }

  /** The peer is reachable (again): pulls of it that were interrupted run again. */
  peerReachable(peerId: string): void {
    if (this.#jobs.stopping || this.#init.files() === undefined) return
    for (const row of this.#init.store.transfers.inState('transferring'))
      if (row.direction === 'in' && row.peer === peerId) this.#restart(row)
  }

  /** At start: every pull, download and upload that was running when the node stopped runs again. */
  resumeInterrupted(): void {
    this.#jobs.resume()
    for (const row of this.#init.store.transfers.all()) {
      if (row.direction === 'out' && this.#relay.isRelayed(row.id)) {
        if (row.state === 'transferring') this.#restart(row)
        else if (row.state === 'offered') this.#watchFetched(row.id)
      } else if (row.direction === 'in' && ['transferring', 'accepted'].includes(row.state)) {
        if (isBlobOffer(row)) this.#restart(row)
        else this.peerReachable(row.peer)
      }
    }
  }

  /** runs an interrupted transfer again, unless it runs already */
  #restart(row: TransferRow): void {
    if (this.#jobs.stopping || this.#jobs.isRunning(row.id)) return
    try {
      if (row.direction === 'out') this.#upload(row.id)
      else this.#run(row.id)
    } catch (error) {
      this.#warn(error, `transfer ${hex(row.id)} did not resume`)
    }
  }

  /** Ends the running pulls; they stay 'transferring' and run again after the next start. */
  async stop(): Promise<void> {
    await this.#jobs.stop()
  }

  #files(): FileService {
    const files = this.#init.files()
    if (files === undefined)
      throw new PigeonError(
        'NODE_NOT_RUNNING',
        'The LAN node is not running, and this file can move only over the LAN (a relay carries files only to peers off the LAN, when one is set); start the node.',
      )
    return files
  }

  #incoming(id: Uint8Array, states: readonly TransferState[], what: string): TransferRow {
    return incomingIn(this.get(id), states, what)
  }

  /** Starts the pull or download in the background; returns the row as it is now ('transferring'). */
  #run(id: Uint8Array): TransferRow {
    const row = this.get(id)
    const envelope = decodeEnvelope(row.offer)
    if (envelope.kind !== 'file-offer' || row.targetPath === null)
      throw new PigeonError(
        'FILE_TRANSFER_STATE',
        `Transfer ${hex(id)} has no offer or no target to resume.`,
      )
    const offer = envelope.file
    const targetDir = row.targetPath
    // a relay offer from a sender the LAN reaches now is pulled directly (a group's LAN members)
    const lan = this.#init.files() !== undefined && this.#init.lanReaches(row.peer)
    const viaRelay = offer.blobId !== undefined && !lan
    const files = viaRelay ? undefined : this.#files()
    return this.#jobs.start(row, async (signal, onProgress) => {
      const result =
        files === undefined
          ? await this.#relay.download(offer, targetDir, signal, onProgress)
          : await files.receive({
              from: row.peer,
              offer,
              targetDir,
              signal,
              onProgress: (p) => onProgress(p.bytesDone),
            })
      // pulled over the LAN or not, "I have it": the relay forgets the blob once every
      // recipient said so (docs/relay.md "File blobs")
      this.#relay.received(offer).catch((error) => this.#warn(error, `blob of ${hex(id)} kept`))
      this.#tellSender(row, 'done')
      this.#changed(id, { state: 'done', bytesDone: row.size, targetPath: result.path })
    })
  }

  /** Uploads (or resumes uploading) the relay blob of my offer; then the offer goes out. */
  #upload(id: Uint8Array): TransferRow {
    const row = this.get(id)
    const envelope = decodeEnvelope(row.offer)
    if (envelope.kind !== 'file-offer') throw new PigeonError('FILE_TRANSFER_STATE', 'No offer.')
    return this.#jobs.start(row, async (signal, onProgress) => {
      const recipients = await this.#relay.upload(envelope.file, signal, onProgress)
      const { store, now, kick } = this.#init
      for (const recipient of recipients)
        store.outbox.add({ messageId: row.messageId, recipient, kind: 'text' }, now())
      this.#changed(id, { state: 'offered', bytesDone: row.size })
      for (const recipient of recipients) kick(recipient)
      this.#watchFetched(id)
    })
  }

  /**
   * Mine, through the relay: done once the relay no longer has the blob before its expiry — it
   * deletes it only when every recipient fetched it (docs/protocol.md §12 "In the app").
   */
  #watchFetched(id: Uint8Array): void {
    const offered = (): boolean => this.#init.store.transfers.get(id)?.state === 'offered'
    this.#relay.watch(id, this.#jobs, offered, (answer) => {
      const row = this.get(id)
      // a group's LAN members may still be pulling: #groupDone waits for them
      if (answer === 'fetched' && isGroupOffer(row)) return void this.#groupDone(row)
      this.#init.files()?.withdraw(id)
      if (answer === 'fetched') this.#changed(id, { state: 'done' })
      else this.#changed(id, { state: 'failed', error: BLOB_EXPIRED })
    })
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
