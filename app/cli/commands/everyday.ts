// `pigeon recall <message-id>` and `pigeon mute <peer|group> [--off]`: the everyday actions of
// the UI's message and conversation menus, through the local API like every command. Also the
// text of `pigeon send <peer> -`, read from stdin.
import type { Command } from 'commander'
import { PigeonError } from '../../../shared/errors.js'
import { LIMITS } from '../../../shared/limits.js'
import type { CliParts } from '../cli-parts.js'

interface DataOption {
  data?: string
}

export function addEverydayCommands(program: Command, cli: CliParts): void {
  program
    .command('recall')
    .description(
      `take back a message of mine within ${LIMITS.recallMs / 60_000} minutes of sending it (the other side sees "… recalled a message")`,
    )
    .argument('<message-id>', 'as `pigeon send` printed it, or `pigeon history` lists it')
    .addOption(cli.dataOption())
    .action((id: string, options: DataOption) =>
      cli.withClient(options, async (client) => {
        await client.recall(id.toLowerCase())
        cli.print('recalled')
      }),
    )

  program
    .command('mute')
    .description('no notifications for a conversation (a mention of me still notifies)')
    .argument('<peer|group>')
    .option('--off', 'notify again')
    .addOption(cli.dataOption())
    .action((peer: string, options: DataOption & { off?: boolean }) =>
      cli.withClient(options, async (client) => {
        const conversation = await client.mute(peer, options.off !== true)
        cli.print(`${conversation.title}: ${conversation.muted ? 'muted' : 'not muted'}`)
      }),
    )
}

/** `pigeon send <peer> -`: the whole of stdin, one trailing newline dropped (as `echo` adds one). */
export async function readTextFromStdin(
  stdin: NodeJS.ReadableStream = process.stdin,
): Promise<string> {
  const chunks: Buffer[] = []
  let bytes = 0
  for await (const chunk of stdin) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer)
    bytes += buffer.length
    // far over the limit: stop reading, checkOutgoingText says how long it may be
    if (bytes > 4 * LIMITS.textBytes) break
    chunks.push(buffer)
  }
  const text = Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '')
  if (text.trim().length === 0)
    throw new PigeonError('API_BAD_REQUEST', 'Nothing came on stdin to send.')
  return text
}
