// Agreeing a data channel on /pigeon/file/1.0.0 (docs/protocol.md §13). The receiver sends
// CHANNEL with a fresh 32-byte secret; the sender, if the transfer is offered to that peer,
// listens on an ephemeral port and answers CHANNEL_OPEN with the port and its own secret. Both
// secrets travel inside the Noise session, which authenticated both PeerIds, and the keys are
//   HKDF-SHA256(ikm = receiver's secret | sender's secret, salt = transfer id,
//               info = "pigeon/file-channel/v1" | receiver PeerId | "|" | sender PeerId, 64)
// — the first 32 bytes seal the receiver's records, the last 32 the sender's. The receiver then
// connects to that port at the address it reached the sender on, and the transfer runs over the
// channel exactly as it would on the stream. If the sender has no channel (ERROR reason 4), says
// nothing for CHANNEL_REPLY_MS, or the port cannot be reached, the receiver keeps pulling on the
// stream it has.
import { hkdfSync, randomBytes } from 'node:crypto'
import { connect, createServer, type Socket } from 'node:net'
import type { Uint8ArrayList } from 'uint8arraylist'
import { PigeonError } from '../../../shared/errors.js'
import type { Logger } from '../log.js'
import { FrameDecoder } from '../net/framing.js'
import { DataChannel, type DataChannelKeys } from './data-channel.js'
import { continueConduit, type FileConduit } from './file-conduit.js'
import {
  CHANNEL_SECRET_BYTES,
  channelFrame,
  channelOpenFrame,
  DATA_HEADER_BYTES,
  decodeSenderFrame,
  errorFrame,
  FileErrorReason,
  MAX_CONTROL_FRAME_BYTES,
  senderRefusal,
} from './file-frames.js'

/** how long the receiver waits for CHANNEL_OPEN (a sender without channels may not answer) */
export const CHANNEL_REPLY_MS = 5_000
/** how long the receiver waits for the TCP connection to the sender's port */
export const CHANNEL_CONNECT_MS = 3_000
/** how long the sender's port stays open for the receiver */
export const CHANNEL_ACCEPT_MS = 10_000

export function channelKeys(
  receiverSecret: Uint8Array,
  senderSecret: Uint8Array,
  transferId: Uint8Array,
  receiver: string,
  sender: string,
): { receiver: DataChannelKeys; sender: DataChannelKeys } {
  const okm = Buffer.from(
    hkdfSync(
      'sha256',
      Buffer.concat([receiverSecret, senderSecret]),
      transferId,
      Buffer.from(`pigeon/file-channel/v1${receiver}|${sender}`),
      64,
    ),
  )
  const toSender = okm.subarray(0, 32)
  const toReceiver = okm.subarray(32)
  return {
    receiver: { send: toSender, receive: toReceiver },
    sender: { send: toReceiver, receive: toSender },
  }
}

/** an IPv4 address as net reports it on a dual-stack socket ("::ffff:10.0.0.2") made plain */
function plainAddress(address: string | undefined): string {
  return (address ?? '').replace(/^::ffff:/i, '')
}

export interface ChannelListenInit {
  /** the address to listen on: the one libp2p listens on */
  host: string
  /** the receiver's address as its libp2p connection shows it: nobody else may connect */
  peerHost: string
  transferId: Uint8Array
  keys: DataChannelKeys
  log: Logger
  /** a connection from the peer, before it proved the key: serve it (its first record proves it) */
  onChannel: (channel: DataChannel) => void
  acceptMs?: number
}

/** Sender: listens for one data channel; returns the port. */
export async function listenForChannel(init: ChannelListenInit): Promise<number> {
  const peerHost = plainAddress(init.peerHost)
  const server = createServer({ allowHalfOpen: true }, (socket) => {
    if (plainAddress(socket.remoteAddress) !== peerHost) {
      init.log.warn(
        { code: 'FILE_CHANNEL_PEER', remote: socket.remoteAddress, expected: peerHost },
        'A data-channel connection came from an address that is not the agreed peer; it was closed.',
      )
      socket.destroy()
      return
    }
    const channel = new DataChannel({
      socket,
      keys: init.keys,
      transferId: init.transferId,
      maxRecordBytes: MAX_CONTROL_FRAME_BYTES + 4,
      log: init.log,
      // the receiver holds the key: nobody else is let in
      onAuthenticated: () => stop(),
    })
    init.onChannel(channel)
  })
  const timer = setTimeout(() => stop(), init.acceptMs ?? CHANNEL_ACCEPT_MS)
  timer.unref()
  const stop = (): void => {
    clearTimeout(timer)
    if (server.listening) server.close()
  }
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, init.host, () => resolve())
  })
  server.unref()
  const address = server.address()
  if (address === null || typeof address === 'string') throw new Error('no TCP port')
  return address.port
}

/** Sender: the reply to CHANNEL on the stream, and the listener behind it. */
export async function answerChannel(
  init: Omit<ChannelListenInit, 'keys'> & {
    receiverSecret: Uint8Array
    receiver: string
    sender: string
  },
): Promise<Uint8ArrayList> {
  const secret = randomBytes(CHANNEL_SECRET_BYTES)
  const keys = channelKeys(init.receiverSecret, secret, init.transferId, init.receiver, init.sender)
  try {
    const port = await listenForChannel({ ...init, keys: keys.sender })
    return channelOpenFrame(port, secret)
  } catch (error) {
    init.log.info({ err: (error as Error).message }, 'no data channel: keep the stream')
    return errorFrame(FileErrorReason.noChannel, 'No data channel; pull on this stream.')
  }
}

export interface OpenChannelInit {
  stream: FileConduit
  /** the sender's address as my libp2p connection to it shows it */
  host: string | undefined
  transferId: Uint8Array
  chunkSize: number
  receiver: string
  sender: string
  log: Logger
  replyMs?: number
}

/** Receiver: the conduit to pull on — the data channel if one could be agreed, else the stream. */
export async function openChannel(init: OpenChannelInit): Promise<FileConduit> {
  const { stream } = init
  if (init.host === undefined) return stream
  const secret = randomBytes(CHANNEL_SECRET_BYTES)
  stream.send(channelFrame(init.transferId, secret))
  const iterator = stream[Symbol.asyncIterator]()
  const decoder = new FrameDecoder(MAX_CONTROL_FRAME_BYTES + DATA_HEADER_BYTES)
  let pending = iterator.next()
  let frame: Uint8Array | undefined
  while (frame === undefined) {
    let timer: ReturnType<typeof setTimeout> | undefined
    const next = await Promise.race([
      pending,
      new Promise<'timeout'>((resolve) => {
        timer = setTimeout(() => resolve('timeout'), init.replyMs ?? CHANNEL_REPLY_MS)
      }),
    ]).finally(() => clearTimeout(timer))
    // a sender that does not know CHANNEL: its late answer, if any, is skipped by the reader
    if (next === 'timeout') return continueConduit(stream, iterator, pending)
    if (next.done === true)
      throw new PigeonError(
        'FILE_TRANSFER_FAILED',
        'The sender closed the stream before answering; resume the transfer to try again.',
      )
    for (const decoded of decoder.push(next.value)) frame ??= decoded
    pending = iterator.next()
  }
  if (decoder.buffered > 0)
    throw new PigeonError('FILE_TRANSFER_FAILED', 'The sender sent frames nobody asked for.')
  const reply = decodeSenderFrame(frame)
  if (reply.type === 'error' && reply.reason === FileErrorReason.noChannel)
    return continueConduit(stream, iterator, pending)
  if (reply.type === 'error') throw senderRefusal(reply)
  if (reply.type !== 'channel-open')
    throw new PigeonError('FILE_TRANSFER_FAILED', 'The sender sent data before any request.')
  const keys = channelKeys(secret, reply.secret, init.transferId, init.receiver, init.sender)
  const socket = await connectTo(init.host, reply.port).catch((error: unknown) => {
    init.log.info(
      { host: init.host, port: reply.port, err: (error as Error).message },
      'data channel unreachable: pulling on the libp2p stream',
    )
    return undefined
  })
  if (socket === undefined) return continueConduit(stream, iterator, pending)
  // the stream has done its job: the sender's side of it ends once ours does (§11)
  void stream.close().catch(() => undefined)
  return new DataChannel({
    socket,
    keys: keys.receiver,
    transferId: init.transferId,
    maxRecordBytes: init.chunkSize + DATA_HEADER_BYTES + 4,
    log: init.log,
  })
}

function connectTo(host: string, port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port, allowHalfOpen: true })
    const timer = setTimeout(() => {
      socket.destroy()
      reject(new Error('timed out'))
    }, CHANNEL_CONNECT_MS)
    socket.once('connect', () => {
      clearTimeout(timer)
      socket.removeAllListeners('error')
      resolve(socket)
    })
    socket.once('error', (error) => {
      clearTimeout(timer)
      reject(error)
    })
  })
}
