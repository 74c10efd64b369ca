// Transfers as the user sees them (docs/protocol.md §10–§11): what I offered and what I was
// offered, each a row in the transfers table (schema 7) with a file message in the conversation.
// Sending queues the `file offer` envelope in the outbox like a text (retried and acked the same
// way; it waits for the LAN, the relay blob path is not built yet). Receiving is accept → pull
// over /pigeon/file/1.0.0 (FileService.receive) into the download dir; pause and cancel abort the
// pull and keep the partial data, resume pulls again (only what is not verified on disk).
// A pull that was running when the node stopped, or whose peer went away, runs again when the
// peer is reachable.
import { mkdir, rm } from 'node:fs/promises'
import { join } from 'node:path'
import {
  decodeEnvelope,
  encodeEnvelope,
  newMessageId,
  type Envelope,
  type EnvelopeOf,
} from '../../../shared/envelope.js'
import { PigeonError } from '../../../shared/errors.js'
import { LIMITS } from '../../../shared/limits.js'
import type { PathName } from '../delivery.js'
import { errorText, type Logger } from '../log.js'
import { backoffDelay, DEFAULT_BACKOFF } from '../../../shared/backoff.js'
import { FINAL_STATES, type Store, type TransferRow, type TransferState } from '../store/index.js'
import { defaultDownloadDir } from './download-dir.js'
import type { FileCloseOutcome } from './file-frames.js'
import { PARTIAL_DIR } from './file-receiver.js'
import type { FileService } from './file-service.js'

export const SETTING_DOWNLOAD_DIR = 'files.downloadDir'
/** offers up to this many bytes from a peer I have written to are accepted at once; 0/unset: never */
export const SETTING_AUTO_ACCEPT_BYTES = 'files.autoAcceptBytes'
/** how often a running transfer reports progress */
export const PROGRESS_INTERVAL_MS = 250

export interface TransferView extends TransferRow {
  /** bytes per second over the last progress interval; 0 when not moving */
  rateBytesPerSec: number
}

export interface TransfersInit {
  store: Store
  /** my PeerId */
  me: string
  now: () => number
  /** the LAN node's file service; undefined while the LAN node is not running */
  files: () => FileService | undefined
  isOnline: (peerId: string) => boolean
  onTransfer: (view: TransferView) => void
  onMessage: (messageId: Uint8Array) => void
  kick: (recipient: string) => void
  log: Logger
}

interface Running {
  controller: AbortController
  done: Promise<void>
}

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex')

export function parseTransferId(text: string): Uint8Array {
  if (!/^[0-9a-f]{32}$/i.test(text))
    throw new PigeonError(
      'FILE_TRANSFER_UNKNOWN',
      `"${text}" is not a transfer id (32 hex digits); see \`pigeon transfers\`.`,
    )
  return new Uint8Array(Buffer.from(text, 'hex'))
}

export class TransferService {
  readonly #init: TransfersInit
  readonly #running = new Map<string, Running>()
  /** interrupted pulls waiting to try again, and how often each failed in a row */
  readonly #retries = new Map<string, { timer: NodeJS.Timeout; failures: number }>()
  #stopping = false

  constructor(init: TransfersInit) {
    this.#init = init
  }

  list(): TransferView[] {
    return this.#init.store.transfers.all().map((row) => ({ ...row, rateBytesPerSec: 0 }))
  }

  get(id: Uint8Array): TransferRow {
    const row = this.#init.store.transfers.get(id)
    if (row === undefined)
      throw new PigeonError(
        'FILE_TRANSFER_UNKNOWN',
        `No transfer ${hex(id)}; see \`pigeon transfers\`.`,
      )
    return row
  }

  /** The download dir: the setting files.downloadDir, else the OS one's Pigeon (download-dir.ts). */
  downloadDir(): string {
    const set = this.#init.store.settings.get(SETTING_DOWNLOAD_DIR)
    return typeof set === 'string' && set !== '' ? set : defaultDownloadDir()
  }

  /** One offer per path (a file or a folder), each queued like a text; returns the new rows. */
  async send(peer: string, paths: readonly string[]): Promise<TransferRow[]> {
    const { store, me, now, kick } = this.#init
    if (peer === me)
      throw new PigeonError('PEER_UNKNOWN', 'That PeerId is yours; send to someone else.')
    const files = this.#files()
    const rows: TransferRow[] = []
    for (const path of paths) {
      const { offer } = await files.offer(peer, path)
      const at = now()
      const envelope: Envelope = {
        id: newMessageId(at),
        sender: me,
        to: { peer },
        sentAt: at,
        kind: 'file-offer',
        file: offer,
      }
      const id = offer.transferId!
      store.transaction(() => {
        store.queueOutgoing(
          {
            id: envelope.id,
            sender: me,
            recipient: peer,
            sentAt: at,
            text: offer.name,
            kind: 'file',
          },
          at,
        )
        store.transfers.add(
          {
            id,
            messageId: envelope.id,
            peer,
            direction: 'out',
            name: offer.name,
            size: offer.size,
            state: 'offered',
            offer: encodeEnvelope(envelope),
          },
          at,
        )
      })
      this.#init.onMessage(envelope.id)
      rows.push(this.#changed(id, {}))
    }
    kick(peer)
    return rows
  }

  /** The envelope the outbox sends for a file message of mine (router/outbox-router.ts). */
  envelopeFor(messageId: Uint8Array): Envelope | undefined {
    const row = this.#init.store.transfers.byMessage(messageId)
    return row === undefined ? undefined : decodeEnvelope(row.offer)
  }

  /** An offer arrived (inbound/file-offer.ts): stored with its file message, once. */
  offered(envelope: EnvelopeOf<'file-offer'>, via: PathName): void {
    const { store, now } = this.#init
    const id = envelope.file.transferId
    if (id === undefined) {
      // a relay blob offer (docs/protocol.md §10): this build pulls only over the LAN
      this.#init.log.warn(`ignored a relay file offer from ${envelope.sender}: not supported yet`)
      return
    }
    const at = now()
    const inserted = store.transaction(() => {
      const { inserted } = store.storeInbound(
        {
          id: envelope.id,
          sender: envelope.sender,
          sentAt: envelope.sentAt,
          text: envelope.file.name,
          kind: 'file',
        },
        via,
        at,
      )
      if (!inserted) return false
      return store.transfers.add(
        {
          id,
          messageId: envelope.id,
          peer: envelope.sender,
          direction: 'in',
          name: envelope.file.name,
          size: envelope.file.size,
          state: 'offered',
          offer: encodeEnvelope(envelope),
        },
        at,
      )
    })
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
    await this.#abort(id, 'paused')
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
    if (row.direction === 'out') {
      this.#init.files()?.withdraw(id)
      return this.#changed(id, { state: 'cancelled' })
    }
    await this.#abort(id, 'cancelled')
    if (row.targetPath !== null)
      await rm(join(row.targetPath, PARTIAL_DIR, hex(id)), { recursive: true, force: true })
    this.#tellSender(row, 'cancelled')
    return this.#changed(id, { state: 'cancelled' })
  }

  /** The receiver of one of my offers is finished with it (CLOSE, docs/protocol.md §11). */
  closedByReceiver(id: Uint8Array, peer: string, outcome: FileCloseOutcome): void {
    const row = this.#init.store.transfers.get(id)
    if (row === undefined || row.direction !== 'out' || row.peer !== peer) return
    if (FINAL_STATES.has(row.state)) return
    this.#changed(id, { state: outcome, bytesDone: outcome === 'done' ? row.size : undefined })
  }

  /** Best effort: the sender stops serving it; if it is unreachable its offer simply stays. */
  #tellSender(row: TransferRow, outcome: FileCloseOutcome): void {
    const files = this.#init.files()
    if (files === undefined) return
    files
      .close(row.peer, row.id, outcome)
      .catch((error) =>
        this.#init.log.warn(
          { err: errorText(error) },
          `could not tell ${row.peer} about ${hex(row.id)}`,
        ),
      )
  }

  /** The peer is reachable (again): pulls of it that were interrupted run again. */
  peerReachable(peerId: string): void {
    if (this.#stopping || this.#init.files() === undefined) return
    for (const row of this.#init.store.transfers.inState('transferring'))
      if (row.direction === 'in' && row.peer === peerId && !this.#running.has(hex(row.id)))
        try {
          this.#run(row.id)
        } catch (error) {
          this.#init.log.warn({ err: errorText(error) }, `transfer ${hex(row.id)} did not resume`)
        }
  }

  /** At start: every pull that was running when the node stopped runs again. */
  resumeInterrupted(): void {
    this.#stopping = false
    for (const row of this.#init.store.transfers.all())
      if (row.direction === 'in' && (row.state === 'transferring' || row.state === 'accepted'))
        this.peerReachable(row.peer)
  }

  /** Ends the running pulls; they stay 'transferring' and run again after the next start. */
  async stop(): Promise<void> {
    this.#stopping = true
    for (const retry of this.#retries.values()) clearTimeout(retry.timer)
    this.#retries.clear()
    const running = [...this.#running.values()]
    for (const r of running) r.controller.abort('stopping')
    await Promise.all(running.map((r) => r.done))
  }

  #files(): FileService {
    const files = this.#init.files()
    if (files === undefined)
      throw new PigeonError(
        'NODE_NOT_RUNNING',
        'The LAN node is not running; files move only over the LAN for now.',
      )
    return files
  }

  /** A transfer offered to me, in one of `states` (else FILE_TRANSFER_STATE: only `what`). */
  #incoming(id: Uint8Array, states: readonly TransferState[], what: string): TransferRow {
    const row = this.get(id)
    if (row.direction !== 'in')
      throw new PigeonError(
        'FILE_TRANSFER_STATE',
        `Transfer ${hex(id)} is one you sent; only its receiver can do that.`,
      )
    if (!states.includes(row.state))
      throw new PigeonError(
        'FILE_TRANSFER_STATE',
        `Transfer ${hex(id)} is ${row.state}; only ${what}.`,
      )
    return row
  }

  async #abort(id: Uint8Array, reason: TransferState): Promise<void> {
    const running = this.#running.get(hex(id))
    if (running === undefined) return
    running.controller.abort(reason)
    await running.done
  }

  /** Starts the pull in the background; returns the row as it is now ('transferring'). */
  #run(id: Uint8Array): TransferRow {
    const key = hex(id)
    const row = this.get(id)
    const files = this.#files()
    const envelope = decodeEnvelope(row.offer)
    if (envelope.kind !== 'file-offer' || row.targetPath === null)
      throw new PigeonError(
        'FILE_TRANSFER_STATE',
        `Transfer ${key} has no offer or no target to resume.`,
      )
    const controller = new AbortController()
    let last = { at: this.#init.now(), bytes: row.bytesDone }
    let lastEmit = 0
    const progress = (bytesDone: number): void => {
      const at = this.#init.now()
      if (at - lastEmit < PROGRESS_INTERVAL_MS) return
      const rate = at > last.at ? ((bytesDone - last.bytes) * 1000) / (at - last.at) : 0
      last = { at, bytes: bytesDone }
      lastEmit = at
      this.#emit(
        this.#init.store.transfers.update(id, { state: 'transferring', bytesDone }, at)!,
        Math.max(0, rate),
      )
    }
    const targetDir = row.targetPath
    const done = files
      .receive({
        from: row.peer,
        offer: envelope.file,
        targetDir,
        signal: controller.signal,
        onProgress: (p) => progress(p.bytesDone),
      })
      .then(
        (result) => {
          this.#retries.delete(key)
          this.#tellSender(row, 'done')
          this.#changed(id, { state: 'done', bytesDone: row.size, targetPath: result.path })
        },
        (error: unknown) => {
          if (controller.signal.aborted) {
            const reason = controller.signal.reason
            // paused or cancelled: the caller sets the state; stopping: it stays 'transferring'
            if (reason === 'stopping') this.#changed(id, { state: 'transferring' })
            return
          }
          const message = error instanceof Error ? error.message : String(error)
          // the peer went away (or is not back yet): the pull runs again when it is reachable
          if (
            !this.#init.isOnline(row.peer) ||
            (error as PigeonError).code === 'PEER_UNREACHABLE'
          ) {
            this.#changed(id, { state: 'transferring', error: message })
            this.#retryLater(id)
          } else this.#changed(id, { state: 'failed', error: message })
        },
      )
      .finally(() => this.#running.delete(key))
    this.#running.set(key, { controller, done })
    return this.#changed(id, { state: 'transferring' })
  }

  /**
   * The peer still looks online but the pull could not reach it (a dial timed out, the stream
   * broke): try again on the outbox's back-off, unless the peer's presence brings it back first.
   */
  #retryLater(id: Uint8Array): void {
    const key = hex(id)
    const failures = (this.#retries.get(key)?.failures ?? 0) + 1
    clearTimeout(this.#retries.get(key)?.timer)
    const timer = setTimeout(
      () => {
        const row = this.#init.store.transfers.get(id)
        if (this.#stopping || row?.state !== 'transferring' || this.#running.has(key)) return
        this.peerReachable(row.peer)
      },
      backoffDelay(failures - 1, DEFAULT_BACKOFF),
    )
    timer.unref()
    this.#retries.set(key, { timer, failures })
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
