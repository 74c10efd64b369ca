// `pigeon identity export|import`: the identity key in a passphrase-protected file
// (shared/identity-backup.ts, docs/protocol.md §9), to move a user to another computer. An import
// never puts a key beside someone else's key or history unless told to (--replace), and then
// archives them first: that history would otherwise be shown as another user's.
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { PigeonError } from '../../shared/errors.js'
import { identityToBytes, type Identity } from '../../shared/identity.js'
import { decryptIdentity, encryptIdentity } from '../../shared/identity-backup.js'
import { readSecretFile, writeSecretFile } from '../../shared/node/secret-file.js'
import {
  archiveDataDir,
  DATABASE_FILE,
  ensureDataDir,
  IDENTITY_FILE,
  IDENTITY_FORMAT,
} from '../core/data-dir.js'
import { lockDataDir } from '../core/data-dir-lock.js'
import { storageError } from '../core/storage-error.js'
import { Store } from '../core/store/index.js'

/**
 * Writes the data dir's key, sealed with the passphrase, to a new file `file` (0600). The
 * passphrase is asked for only once the key and the file name are known to be usable.
 */
export async function exportIdentity(
  dataDir: string,
  file: string,
  passphrase: () => Promise<string>,
): Promise<string> {
  const identity = readSecretFile(join(dataDir, IDENTITY_FILE), IDENTITY_FORMAT)
  if (identity === undefined) {
    throw new PigeonError(
      'IDENTITY_MISSING',
      `${dataDir} has no identity (${IDENTITY_FILE}) to export; start Pigeon there once, or give the right --data.`,
    )
  }
  if (existsSync(file)) throw backupExists(file)
  const sealed = await encryptIdentity(identity, await passphrase())
  try {
    // exclusive: an earlier backup (perhaps of another identity) is never overwritten
    writeSecretFile(file, sealed, { exclusive: true })
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
      throw new PigeonError(
        'BACKUP_FILE_EXISTS',
        `${file} already exists; choose another file name, or move that file away first.`,
      )
    }
    throw storageError(error, file)
  }
  return identity.peerId
}

function backupExists(file: string): PigeonError {
  return new PigeonError(
    'BACKUP_FILE_EXISTS',
    `${file} already exists; choose another file name, or move that file away first.`,
  )
}

/** Whose the data dir is now: its key's PeerId and its history's (table me). */
function currentOwners(dataDir: string): string[] {
  const owners = new Set<string>()
  const keyFile = join(dataDir, IDENTITY_FILE)
  try {
    const identity = readSecretFile(keyFile, IDENTITY_FORMAT)
    if (identity !== undefined) owners.add(identity.peerId)
  } catch {
    owners.add(`a damaged ${IDENTITY_FILE}`)
  }
  if (existsSync(join(dataDir, DATABASE_FILE))) {
    const store = Store.open(join(dataDir, DATABASE_FILE))
    try {
      const me = store.peers.me()
      if (me !== undefined) owners.add(me.peerId)
    } finally {
      store.close()
    }
  }
  return [...owners]
}

export interface ImportResult {
  identity: Identity
  /** already this data dir's identity: nothing was written */
  unchanged: boolean
  archivedTo: string | undefined
}

/** Makes the backup's identity the data dir's, with the node of that data dir stopped. */
export async function importIdentity(
  dataDir: string,
  file: string,
  passphrase: () => Promise<string>,
  replace: boolean,
): Promise<ImportResult> {
  let sealed: Uint8Array
  try {
    sealed = new Uint8Array(readFileSync(file))
  } catch (cause) {
    throw new PigeonError(
      'BACKUP_INVALID',
      `${file} cannot be read (${(cause as NodeJS.ErrnoException).code ?? String(cause)}); give the path of a file made by \`pigeon identity export\`.`,
      { cause },
    )
  }
  const identity = await decryptIdentity(sealed, await passphrase())
  ensureDataDir(dataDir)
  const lock = lockDataDir(dataDir)
  try {
    const others = currentOwners(dataDir).filter((owner) => owner !== identity.peerId)
    if (others.length === 0 && existsSync(join(dataDir, IDENTITY_FILE))) {
      return { identity, unchanged: true, archivedTo: undefined }
    }
    let archivedTo: string | undefined
    if (others.length > 0) {
      if (!replace) {
        throw new PigeonError(
          'IDENTITY_MISMATCH',
          `${dataDir} already holds the identity or history of ${others.join(' and ')}, not of ${identity.peerId} from this backup. Import into an empty data dir (--data <new dir>), or add --replace to archive what is there and then import.`,
        )
      }
      archivedTo = archiveDataDir(dataDir, new Date())
    }
    try {
      writeSecretFile(join(dataDir, IDENTITY_FILE), identityToBytes(identity))
    } catch (error) {
      throw storageError(error, join(dataDir, IDENTITY_FILE))
    }
    return { identity, unchanged: false, archivedTo }
  } finally {
    lock.release()
  }
}
