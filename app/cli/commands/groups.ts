// `pigeon group create|add|remove|leave|rename|list|send`: conversations with several people,
// every message sealed to each member (docs/protocol.md §7–§8), through the local API of the running
// node. After a change the group is printed as `group list` shows it.
import type { Command } from 'commander'
import type { ApiClient } from '../../api/client.js'
import type { GroupView } from '../../api/contract.js'
import { checkOutgoingText } from '../../core/outgoing-text.js'
import type { CliParts, DataOption } from '../cli-parts.js'
import { formatGroups } from '../output.js'
import { nameMap } from './messages.js'

export function addGroupCommands(program: Command, parts: CliParts): void {
  const { dataOption, withClient, print, json } = parts
  /** Prints a group after a change, as `group list` shows it. */
  const printGroup = (client: ApiClient, view: GroupView): Promise<void> =>
    Promise.all([nameMap(client), client.me()]).then(([names, me]) =>
      print(formatGroups([view], names, me.peerId)),
    )

  const group = program
    .command('group')
    .description('conversations with several people; every message is sealed to each member')

  group
    .command('create')
    .description('a new group of me and these peers (PeerIds or names); I own it')
    .argument('<name>')
    .argument('<peer...>')
    .addOption(dataOption())
    .action((name: string, peers: string[], options: DataOption) =>
      withClient(options, async (client) =>
        printGroup(client, await client.createGroup(name, peers)),
      ),
    )

  group
    .command('add')
    .description('add peers to a group (owner or admin)')
    .argument('<group>', 'group id, or a name unique among my groups')
    .argument('<peer...>')
    .addOption(dataOption())
    .action((ref: string, peers: string[], options: DataOption) =>
      withClient(options, async (client) =>
        printGroup(client, await client.addToGroup(ref, peers)),
      ),
    )

  group
    .command('remove')
    .description('remove peers from a group (owner or admin)')
    .argument('<group>')
    .argument('<peer...>')
    .addOption(dataOption())
    .action((ref: string, peers: string[], options: DataOption) =>
      withClient(options, async (client) =>
        printGroup(client, await client.removeFromGroup(ref, peers)),
      ),
    )

  group
    .command('leave')
    .description('leave a group; its history stays here')
    .argument('<group>')
    .addOption(dataOption())
    .action((ref: string, options: DataOption) =>
      withClient(options, async (client) => printGroup(client, await client.leaveGroup(ref))),
    )

  group
    .command('rename')
    .description('give a group a new name (owner or admin)')
    .argument('<group>')
    .argument('<name...>')
    .addOption(dataOption())
    .action((ref: string, words: string[], options: DataOption) =>
      withClient(options, async (client) =>
        printGroup(client, await client.renameGroup(ref, words.join(' '))),
      ),
    )

  group
    .command('list')
    .description('my groups: id, name, my role, version, members')
    .addOption(dataOption())
    .option('--json', 'print JSON')
    .action((options: DataOption & { json?: boolean }) =>
      withClient(options, async (client) => {
        const groups = await client.groups()
        if (options.json === true) json(groups)
        else print(formatGroups(groups, await nameMap(client), (await client.me()).peerId))
      }),
    )

  group
    .command('send')
    .description('send a message to every member of a group; prints its id')
    .argument('<group>')
    .argument('<text...>')
    .addOption(dataOption())
    .action((ref: string, words: string[], options: DataOption) => {
      const text = words.join(' ')
      checkOutgoingText(text)
      return withClient(options, async (client) => {
        const target = await client.group(ref) // only groups, never a peer of the same name
        print((await client.send(target.conversation, text)).id)
      })
    })
}
