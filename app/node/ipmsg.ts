// The IPMsg bridge of a node (docs/protocol.md §15, docs/architecture.md §3): whether it runs —
// `pigeon start --ipmsg/--no-ipmsg`, remembered in the setting `ipmsg`, off unless turned on
// (README "IP Messenger and FeiQ users") — and the bridge built for the engine's paths.
import { hostname, userInfo } from 'node:os'
import type { ProfileBody } from '../../shared/envelope.js'
import { IpmsgBridge, type IpmsgBridgeOptions } from '../core/legacy/ipmsg-bridge.js'
import type { Endpoint } from '../core/legacy/ipmsg-socket.js'
import type { Logger } from '../core/log.js'
import type { Store } from '../core/store/index.js'

export const SETTING_IPMSG = 'ipmsg'

export interface IpmsgNodeOptions {
  /** true/false turns the bridge on/off and is remembered; undefined: as remembered (off) */
  enabled?: boolean
  /** default 2425; tests in the root namespace use their own */
  port?: number
  /** default 0.0.0.0 */
  host?: string
  /** default every subnet's broadcast address; tests in the root namespace give loopback ones */
  announceTo?: Endpoint[]
}

/** Whether the bridge runs this time; a flag is remembered for later starts. */
export function ipmsgEnabled(store: Store, enabled: boolean | undefined): boolean {
  if (enabled !== undefined) store.settings.set(SETTING_IPMSG, enabled)
  return store.settings.get(SETTING_IPMSG) === true
}

export function createIpmsgBridge(
  me: string,
  profile: ProfileBody,
  options: IpmsgNodeOptions,
  logger: Logger,
  onFileClosed?: IpmsgBridgeOptions['onFileClosed'],
): IpmsgBridge {
  return new IpmsgBridge({
    me,
    user: loginName(),
    host: hostname(),
    profile,
    port: options.port,
    listenHost: options.host,
    announceTo: options.announceTo,
    logger,
    onFileClosed,
  })
}

function loginName(): string {
  try {
    return userInfo().username || 'pigeon'
  } catch {
    return 'pigeon'
  }
}
