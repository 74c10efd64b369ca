// `pigeon verify <peer>`: the safety number of me and a peer (docs/protocol.md §14), the same 60
// digits on both sides, to compare in person or by a call; `--confirm` marks the peer verified
// once they match, `--undo` takes the mark back.
import type { Command } from 'commander'
import type { CliParts } from '../cli-parts.js'

interface VerifyOptions {
  data?: string
  confirm?: boolean
  undo?: boolean
  json?: boolean
}

export function addVerifyCommand(program: Command, parts: CliParts): void {
  program
    .command('verify')
    .description(
      'show the safety number of me and a peer (the same 60 digits on both sides); --confirm marks the peer verified',
    )
    .argument('<peer>', 'PeerId, name, or name@host')
    .addOption(parts.dataOption())
    .option('--confirm', 'the numbers match: mark the peer verified')
    .option('--undo', 'take the verified mark back')
    .option('--json', 'print JSON')
    .action((peer: string, options: VerifyOptions) =>
      parts.withClient(options, async (client) => {
        if (options.confirm === true || options.undo === true)
          await client.setVerified(peer, options.confirm === true)
        const n = await client.safetyNumber(peer)
        if (options.json === true) {
          parts.json({ peer: n.peerId, safety_number: n.safetyNumber, verified: n.verified })
          return
        }
        const rows = [n.groups.slice(0, 6).join(' '), n.groups.slice(6).join(' ')]
        parts.print(
          [
            ...rows,
            n.verified
              ? 'verified'
              : 'not verified: compare these digits with your contact, then run `pigeon verify <peer> --confirm`',
          ].join('\n'),
        )
      }),
    )
}
