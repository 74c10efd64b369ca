// `pigeon id`, `peers`, `peer forget`, `send`, `history`, `search` and `status`: me, the people I
// know and our conversations, through the local API of the running node. The JSON of messages is
// snake_case (`messagesJson`); `nameMap` and `listPeers` serve the group and contact commands too.
import { type Command, InvalidArgumentError } from 'commander'
import { isPeerStatus, PEER_STATUS_WORDS } from '../../../shared/status.js'
import type { ApiClient } from '../../api/client.js'
import type { MessageView, PeerStatus } from '../../api/contract.js'
import { checkOutgoingText } from '../../core/outgoing-text.js'
import { type CliParts, type DataOption, positiveInt } from '../cli-parts.js'
import { formatMe, formatMessages, formatPeers } from '../output.js'
import { readTextFromStdin } from './everyday.js'

/** Messages as the CLI's JSON promises them (snake_case, like other command-line tools' JSON). */
function messagesJson(messages: MessageView[]): unknown[] {
  return messages.map((m) => ({
    id: m.id,
    conversation: m.conversation,
    from: m.from,
    direction: m.direction,
    text: m.text,
    sent_at: m.sentAt,
    received_at: m.receivedAt,
    state: m.state,
    path: m.path,
    reply_to: m.replyTo,
    mentions: m.mentions,
    recalled_at: m.recalledAt,
  }))
}

/** Display names of peers (by PeerId) and groups (by conversation id, `group:<id>`). */
export async function nameMap(client: ApiClient): Promise<Map<string, string>> {
  const [peers, groups] = await Promise.all([client.peers(), client.groups()])
  return new Map([
    ...peers.flatMap((p) => (p.name === null ? [] : [[p.peerId, p.name] as [string, string]])),
    ...groups.map((g) => [g.conversation, `#${g.name}`] as [string, string]),
  ])
}

/** `pigeon peers` and `pigeon contact list`: everyone known, with the paths that reach them */
export function listPeers(
  parts: CliParts,
): (options: DataOption & { json?: boolean }) => Promise<void> {
  return (options) =>
    parts.withClient(options, async (client) => {
      const peers = await client.peers()
      if (options.json === true) parts.json(peers)
      else parts.print(formatPeers(peers))
    })
}

export function addMessageCommands(program: Command, parts: CliParts): void {
  const { dataOption, withClient, print, json } = parts
  program
    .command('id')
    .description('my PeerId, name and listen addresses')
    .addOption(dataOption())
    .option('--json', 'print JSON')
    .action((options: DataOption & { json?: boolean }) =>
      withClient(options, async (client) => {
        const me = await client.me()
        if (options.json === true) json(me)
        else print(formatMe(me))
      }),
    )

  program
    .command('peers')
    .description('known peers: PeerId, name, status, online, host, workgroup, verified, addresses')
    .addOption(dataOption())
    .option('--json', 'print JSON')
    .action(listPeers(parts))

  const peerCommand = program.command('peer').description('one known peer')
  peerCommand
    .command('forget')
    .description(
      'drop a peer from the list (the history stays; a LAN peer returns when it is seen again)',
    )
    .argument('<peer>')
    .addOption(dataOption())
    .action((peer: string, options: DataOption) =>
      withClient(options, async (client) => {
        const { forgotten } = await client.forgetPeer(peer)
        print(forgotten ? 'forgotten' : 'not in the list')
      }),
    )

  program
    .command('send')
    .description(
      'send a message; prints its id (peer = PeerId, a display name unique among known peers or name@host; or a group)',
    )
    .argument('<peer>')
    .argument('<text...>', 'the message; a lone - reads it from stdin')
    .addOption(dataOption())
    .action(async (peer: string, words: string[], options: DataOption) => {
      const text =
        words.length === 1 && words[0] === '-' ? await readTextFromStdin() : words.join(' ')
      checkOutgoingText(text)
      return withClient(options, async (client) => print((await client.send(peer, text)).id))
    })

  program
    .command('history')
    .description('the conversation with a peer or a group, oldest first')
    .argument('<peer|group>')
    .addOption(dataOption())
    .option('--limit <n>', 'the newest n messages', positiveInt(500), 50)
    .option('--json', 'print JSON')
    .action((peer: string, options: DataOption & { limit: number; json?: boolean }) =>
      withClient(options, async (client) => {
        const messages = await client.history(peer, { limit: options.limit })
        if (options.json === true) json(messagesJson(messages))
        else print(formatMessages(messages, await nameMap(client), (await client.me()).peerId))
      }),
    )

  program
    .command('search')
    .description('find messages containing the text (any language, any part of a word)')
    .argument('<text...>')
    .addOption(dataOption())
    .option('--limit <n>', 'at most n results', positiveInt(500), 50)
    .option('--json', 'print JSON')
    .action((words: string[], options: DataOption & { limit: number; json?: boolean }) =>
      withClient(options, async (client) => {
        const messages = await client.search(words.join(' '), options.limit)
        if (options.json === true) json(messagesJson(messages))
        else print(formatMessages(messages, await nameMap(client), (await client.me()).peerId))
      }),
    )

  program
    .command('status')
    .description('set my status')
    .argument('<status>', PEER_STATUS_WORDS, (value: string): PeerStatus => {
      if (!isPeerStatus(value)) throw new InvalidArgumentError(`must be ${PEER_STATUS_WORDS}.`)
      return value
    })
    .addOption(dataOption())
    .action((status: PeerStatus, options: DataOption) =>
      withClient(options, async (client) =>
        print(`status: ${(await client.setStatus(status)).status}`),
      ),
    )
}
