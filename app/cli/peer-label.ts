// A peer's name as the CLI prints it: the name alone while it is the only one of that name;
// `name@host [fingerprint]` when others share it, which is also what `pigeon send name@host`
// takes (app/core/references.ts) and what the fingerprint tells apart (docs/protocol.md §14).
import type { PeerView } from '../api/contract.js'

export function peerLabels(peers: PeerView[]): (peer: PeerView) => string {
  const count = new Map<string, number>()
  for (const p of peers) {
    const key = p.name?.toLowerCase()
    if (key !== undefined) count.set(key, (count.get(key) ?? 0) + 1)
  }
  return (p) => {
    if (p.name === null) return '(no profile yet)'
    if ((count.get(p.name.toLowerCase()) ?? 0) < 2) return p.name
    return `${p.name}@${p.host ?? '?'} [${p.fingerprint}]`
  }
}
