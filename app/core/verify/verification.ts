// Verifying a contact (docs/protocol.md §14): the safety number of me and a peer, as digits and as
// a QR code to scan or compare, and the peer marked verified once the user confirmed that both
// screens show the same digits. Verification belongs to the key: the PeerId is the key, so a new
// identity under the same name is another, unverified peer.
import QRCode from 'qrcode'
import { PigeonError } from '../../../shared/errors.js'
import type { Store } from '../store/index.js'
import { safetyGroups, safetyNumber } from './safety-number.js'

/** what the QR code carries: a prefix, so a scanner knows what it read, and the 60 digits */
export const SAFETY_QR_PREFIX = 'pigeon-safety:'

export interface SafetyNumber {
  peerId: string
  /** the 60 digits */
  digits: string
  /** the same in 12 groups of 5 */
  groups: string[]
  /** the QR code's modules, one string of '0'/'1' per row (the UI draws it, a terminal prints it) */
  qr: string[]
  verified: boolean
}

export interface VerificationInit {
  store: Store
  /** my PeerId */
  me: string
  now: () => number
  /** a peer's row changed (its verified mark) */
  onChange: (peerId: string) => void
}

function qrRows(text: string): string[] {
  const { modules } = QRCode.create(text, { errorCorrectionLevel: 'M' })
  const rows: string[] = []
  for (let y = 0; y < modules.size; y++) {
    let row = ''
    for (let x = 0; x < modules.size; x++) row += modules.get(x, y) ? '1' : '0'
    rows.push(row)
  }
  return rows
}

export class Verification {
  readonly #init: VerificationInit

  constructor(init: VerificationInit) {
    this.#init = init
  }

  #known(peerId: string): { verifiedAt: number | null } {
    const peer = this.#init.store.peers.get(peerId)
    if (peer === undefined) {
      throw new PigeonError(
        'PEER_UNKNOWN',
        `${peerId} is not a known peer; \`pigeon peers\` lists who is known.`,
      )
    }
    return peer
  }

  safetyNumber(peerId: string): SafetyNumber {
    if (peerId === this.#init.me) {
      throw new PigeonError(
        'API_BAD_REQUEST',
        'A safety number is between me and someone else; name a peer, not myself.',
      )
    }
    const peer = this.#known(peerId)
    const digits = safetyNumber(this.#init.me, peerId)
    return {
      peerId,
      digits,
      groups: safetyGroups(digits),
      qr: qrRows(SAFETY_QR_PREFIX + digits),
      verified: peer.verifiedAt !== null,
    }
  }

  /** Marks the peer verified (the user compared the numbers) or takes the mark back. */
  setVerified(peerId: string, verified: boolean): void {
    const peer = this.#known(peerId)
    if ((peer.verifiedAt !== null) === verified) return
    this.#init.store.peers.setVerified(peerId, verified ? this.#init.now() : null)
    this.#init.onChange(peerId)
  }
}
