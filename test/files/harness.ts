// Two (or more) real libp2p nodes on loopback, each with a real SQLite store at schema 6 and a
// FileService, for test/files and the files bench. Not a test file itself (no .test.ts).
import { createHash, randomFillSync } from 'node:crypto'
import { open, readdir, readFile, lstat } from 'node:fs/promises'
import { join } from 'node:path'
import { noise, pureJsCrypto } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { tcp } from '@libp2p/tcp'
import BetterSqlite3 from 'better-sqlite3'
import { createLibp2p, type Libp2p } from 'libp2p'
import {
  createFileService,
  type FileService,
  type FileServiceInit,
} from '../../app/core/files/index.js'
import { migrate } from '../../app/core/store/migrate.js'
import { migrations } from '../../app/core/store/migrations/index.js'
import { generateIdentity, type Identity } from '../../shared/identity.js'

export interface FilePeer {
  identity: Identity
  node: Libp2p
  files: FileService
  db: BetterSqlite3.Database
  stop(): Promise<void>
}

export async function startFilePeer(
  options: {
    identity?: Identity
    db?: BetterSqlite3.Database
    listen?: string
    /** the file service's data channel and logger (docs/protocol.md §13) */
    files?: Pick<FileServiceInit, 'dataChannel' | 'log'>
    /** Noise with its pure-JS ChaCha20-Poly1305, as in Electron, whose BoringSSL has none */
    noiseJs?: boolean
  } = {},
): Promise<FilePeer> {
  const identity = options.identity ?? (await generateIdentity())
  const node = await createLibp2p({
    privateKey: identity.privateKey,
    addresses: { listen: [options.listen ?? '/ip4/127.0.0.1/tcp/0'] },
    transports: [tcp()],
    connectionEncrypters: [noise(options.noiseJs === true ? { crypto: pureJsCrypto } : {})],
    streamMuxers: [yamux()],
  })
  const db = options.db ?? new BetterSqlite3(':memory:')
  migrate(db, migrations)
  const files = createFileService({ node, db, ...options.files })
  await files.start()
  return {
    identity,
    node,
    files,
    db,
    stop: async () => {
      await files.stop()
      await node.stop()
    },
  }
}

/** makes `from` know `to`'s address, as mDNS would */
export async function connect(from: FilePeer, to: FilePeer): Promise<void> {
  await from.node.dial(to.node.getMultiaddrs()[0]!)
}

/** `size` random bytes into a file, 4 MiB at a time */
export async function randomFile(path: string, size: number): Promise<void> {
  const handle = await open(path, 'w')
  try {
    const block = Buffer.allocUnsafe(4 * 1024 * 1024)
    for (let offset = 0; offset < size; offset += block.length) {
      randomFillSync(block)
      await handle.write(block, 0, Math.min(block.length, size - offset))
    }
  } finally {
    await handle.close()
  }
}

export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256')
  const handle = await open(path, 'r')
  try {
    for await (const chunk of handle.createReadStream()) hash.update(chunk as Buffer)
  } finally {
    await handle.close().catch(() => undefined)
  }
  return hash.digest('hex')
}

/** every file (with its SHA-256) and directory under root, as sorted relative paths */
export async function listTree(root: string, relative = ''): Promise<string[]> {
  const out: string[] = []
  for (const name of (await readdir(join(root, relative))).sort()) {
    const path = relative === '' ? name : `${relative}/${name}`
    const stats = await lstat(join(root, path))
    if (stats.isDirectory()) out.push(`${path}/`, ...(await listTree(root, path)))
    else
      out.push(
        `${path} ${createHash('sha256')
          .update(await readFile(join(root, path)))
          .digest('hex')}`,
      )
  }
  return out
}
