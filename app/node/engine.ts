// The engine of one node over its paths, built the same way by every host — startNode over the
// LAN and the relay, the engine tests over the in-memory path: my profile row first (the paths
// announce it from their first connection, docs/protocol.md §4 and §6), then the paths built with
// it, then the Messenger over them, which takes profiles only through those paths.
import type { ProfileBody } from '../../shared/envelope.js'
import { Messenger, type EnginePath, type MessengerOptions } from '../core/messenger.js'
import { ensureMyProfile, profileBody } from '../core/profile-service.js'

export type EngineOptions = Omit<MessengerOptions, 'paths'>

export interface Engine<P extends readonly EnginePath[]> {
  messenger: Messenger
  paths: P
}

export function createEngine<const P extends readonly EnginePath[]>(
  options: EngineOptions,
  makePaths: (profile: ProfileBody) => P,
): Engine<P> {
  const me = ensureMyProfile(options.store, {
    peerId: options.identity.peerId,
    name: options.name,
    defaultName: options.defaultName,
    workgroup: options.workgroup,
    host: options.host,
    now: (options.now ?? Date.now)(),
  })
  const paths = makePaths(profileBody(me))
  return { messenger: new Messenger({ ...options, paths }), paths }
}
