// A contact link: everything someone beyond the LAN needs to reach me, in one line that can be
// pasted or shown as a QR code:
//   pigeon:12D3KooW…?name=Ada&relay=mqtt%3A%2F%2Frelay.example.org%3A1883%2312D3KooW…
// The PeerId is the address; the name is a hint (never trusted for routing); the relay, if any,
// is where I can be reached when not on the same LAN.
import QRCode from 'qrcode'
import { PigeonError } from '../../../shared/errors.js'
import { isPeerId } from '../../../shared/identity.js'
import { parseRelayAddress } from '../relay/url.js'

export interface ContactLink {
  peerId: string
  name?: string
  relay?: string
}

const SCHEME = 'pigeon:'
const MAX_NAME = 64

export function formatContactLink(link: ContactLink): string {
  const query = new URLSearchParams()
  if (link.name !== undefined && link.name !== '') query.set('name', link.name)
  if (link.relay !== undefined) query.set('relay', link.relay)
  const rest = query.toString()
  return `${SCHEME}${link.peerId}${rest === '' ? '' : `?${rest}`}`
}

function invalid(message: string): PigeonError {
  return new PigeonError('CONTACT_LINK_INVALID', message)
}

/** Accepts a pigeon: link or a bare PeerId. */
export function parseContactLink(text: string): ContactLink {
  const trimmed = text.trim()
  if (isPeerId(trimmed)) return { peerId: trimmed }
  if (!trimmed.startsWith(SCHEME)) {
    throw invalid(
      `"${trimmed.slice(0, 80)}" is neither a PeerId (12D3KooW…) nor a pigeon: link; ask your contact for the output of \`pigeon link\`.`,
    )
  }
  const [peerId = '', query = ''] = trimmed.slice(SCHEME.length).split('?', 2)
  if (!isPeerId(peerId))
    throw invalid(
      'The link does not start with a valid PeerId after "pigeon:"; it may have been cut when copied.',
    )
  const params = new URLSearchParams(query)
  const link: ContactLink = { peerId }
  const name = params.get('name')
  if (name !== null && name !== '') link.name = [...name].slice(0, MAX_NAME).join('')
  const relay = params.get('relay')
  if (relay !== null && relay !== '') {
    try {
      link.relay = parseRelayAddress(relay).text
    } catch (cause) {
      throw new PigeonError(
        'CONTACT_LINK_INVALID',
        `The link's relay address is not valid: ${(cause as Error).message}`,
        { cause },
      )
    }
  }
  return link
}

/** The link as a QR code drawn with Unicode half blocks, for a terminal. */
export async function contactLinkQr(link: string): Promise<string> {
  return await QRCode.toString(link, { type: 'utf8', errorCorrectionLevel: 'L', margin: 2 })
}
