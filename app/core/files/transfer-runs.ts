// The transfers that run in the background (docs/protocol.md §11–§12): pulling an offer I accepted
// over /pigeon/file/1.0.0 or downloading its relay blob, uploading the blob of one of mine and then
// queueing its offer, watching the relay until its recipients fetched it, and running again what
// was interrupted (the node stopped, the peer or relay went away). The user's controls — offer,
// accept, pause, cancel — are in transfers.ts, which calls these; TransferJobs (transfer-jobs.ts)
// holds the abort controllers and retry timers.
import { decodeEnvelope } from '../../../shared/envelope.js'
import { PigeonError } from '../../../shared/errors.js'
import { DEFAULT_BACKOFF } from '../../../shared/backoff.js'
import { isLegacyPeerId } from '../legacy/legacy-id.js'
import { errorText } from '../log.js'
import { FINAL_STATES, type TransferRow } from '../store/index.js'
import type { TransferChange } from '../store/transfers.js'
import type { FileCloseOutcome } from './file-frames.js'
import type { FileService } from './file-service.js'
import { foreignFor } from './foreign-files.js'
import { BLOB_EXPIRED, type RelayTransfers } from './relay-transfers.js'
import { isBlobOffer, isGroupOffer, isRetryable, knownTransfer } from './transfer-checks.js'
import { TransferJobs } from './transfer-jobs.js'
import { hex } from './transfer-progress.js'
import type { TransfersInit } from './transfers.js'

export interface TransferRunsInit extends TransfersInit {
  relay: RelayTransfers
  /** stores a change and emits the row (rate 0) */
  changed: (id: Uint8Array, change: TransferChange) => TransferRow
  /** emits the row with its rate */
  emit: (row: TransferRow, rateBytesPerSec: number) => void
}

export class TransferRuns {
  readonly #init: TransferRunsInit
  readonly #relay: RelayTransfers
  readonly #jobs: TransferJobs

  constructor(init: TransferRunsInit) {
    this.#init = init
    this.#relay = init.relay
    this.#jobs = new TransferJobs({
      now: init.now,
      changed: init.changed,
      progress: (id, bytesDone, rate) =>
        init.emit(
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

  /** Aborts a running transfer ('paused', 'cancelled'); the caller sets its state. */
  async abort(id: Uint8Array, reason: string): Promise<void> {
    await this.#jobs.abort(id, reason)
  }

  /** The LAN node's file service, or the error that says it is needed. */
  lanFiles(): FileService {
    const files = this.#init.files()
    if (files === undefined)
      throw new PigeonError(
        'NODE_NOT_RUNNING',
        'The LAN node is not running, and this file can move only over the LAN (a relay carries files only to peers off the LAN, when one is set); start the node.',
      )
    return files
  }

  /** A group offer of mine: done once every member has it (RelayTransfers.groupFinished). */
  async groupDone(row: TransferRow): Promise<void> {
    const served = this.#init.files()?.offeredTo(row.id) ?? []
    if (!(await this.#relay.groupFinished(row.id, served))) return
    if (!FINAL_STATES.has(this.#get(row.id).state))
      this.#init.changed(row.id, { state: 'done', bytesDone: row.size })
  }

  /** Best effort: the sender stops serving it; if it is unreachable its offer simply stays. */
  tellSender(row: TransferRow, outcome: FileCloseOutcome): void {
    const foreign = isLegacyPeerId(row.peer) ? this.#init.foreign?.() : undefined
    if (foreign !== undefined) return foreign.close(row.peer, row.id, outcome)
    const files = this.#init.files()
    if (files === undefined) return
    files
      .close(row.peer, row.id, outcome)
      .catch((error) => this.warn(error, `could not tell ${row.peer} about ${hex(row.id)}`))
  }

  warn(error: unknown, what: string): void {
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
      if (row.direction === 'out') this.upload(row.id)
      else this.run(row.id)
    } catch (error) {
      this.warn(error, `transfer ${hex(row.id)} did not resume`)
    }
  }

  /** Ends the running pulls; they stay 'transferring' and run again after the next start. */
  async stop(): Promise<void> {
    await this.#jobs.stop()
  }

  /** Starts the pull or download in the background; returns the row as it is now ('transferring'). */
  run(id: Uint8Array): TransferRow {
    const row = this.#get(id)
    const envelope = decodeEnvelope(row.offer)
    if (envelope.kind !== 'file-offer' || row.targetPath === null)
      throw new PigeonError(
        'FILE_TRANSFER_STATE',
        `Transfer ${hex(id)} has no offer or no target to resume.`,
      )
    const offer = envelope.file
    const targetDir = row.targetPath
    const foreign = foreignFor(row.peer, this.#init.foreign)
    if (foreign !== undefined)
      return this.#jobs.start(row, async (signal, onProgress) => {
        const request = { peer: row.peer, transferId: id, offer, targetDir, signal, onProgress }
        const result = await foreign.receive(request)
        this.#init.changed(id, { state: 'done', bytesDone: row.size, targetPath: result.path })
      })
    // a relay offer from a sender the LAN reaches now is pulled directly (a group's LAN members)
    const lan = this.#init.files() !== undefined && this.#init.lanReaches(row.peer)
    const viaRelay = offer.blobId !== undefined && !lan
    const files = viaRelay ? undefined : this.lanFiles()
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
      this.#relay.received(offer).catch((error) => this.warn(error, `blob of ${hex(id)} kept`))
      this.tellSender(row, 'done')
      this.#init.changed(id, { state: 'done', bytesDone: row.size, targetPath: result.path })
    })
  }

  /** Uploads (or resumes uploading) the relay blob of my offer; then the offer goes out. */
  upload(id: Uint8Array): TransferRow {
    const row = this.#get(id)
    const envelope = decodeEnvelope(row.offer)
    if (envelope.kind !== 'file-offer') throw new PigeonError('FILE_TRANSFER_STATE', 'No offer.')
    return this.#jobs.start(row, async (signal, onProgress) => {
      const recipients = await this.#relay.upload(envelope.file, signal, onProgress)
      const { store, now, kick } = this.#init
      for (const recipient of recipients)
        store.outbox.add({ messageId: row.messageId, recipient, kind: 'text' }, now())
      this.#init.changed(id, { state: 'offered', bytesDone: row.size })
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
      const row = this.#get(id)
      // a group's LAN members may still be pulling: groupDone waits for them
      if (answer === 'fetched' && isGroupOffer(row)) return void this.groupDone(row)
      this.#init.files()?.withdraw(id)
      if (answer === 'fetched') this.#init.changed(id, { state: 'done' })
      else this.#init.changed(id, { state: 'failed', error: BLOB_EXPIRED })
    })
  }

  #get(id: Uint8Array): TransferRow {
    return knownTransfer(this.#init.store.transfers.get(id), id)
  }
}
