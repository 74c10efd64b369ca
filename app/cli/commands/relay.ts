// `pigeon relay status|set|off`, `contact add|list` and `link`: the relay that reaches people
// beyond this LAN (docs/relay.md) and the contacts found through it, through the local API of the
// running node.
import type { Command } from 'commander'
import type { RelayStatusView } from '../../api/contract.js'
import type { CliParts, DataOption } from '../cli-parts.js'
import { listPeers } from './messages.js'

function formatRelay(status: RelayStatusView): string {
  const lines = [
    `relay   ${status.url ?? '(none set — pigeon relay set <address>)'}`,
    `state   ${status.state}`,
  ]
  if (status.lastError !== null) lines.push(`error   ${status.lastError.message}`)
  if (status.retryAt !== null)
    lines.push(`retry   in ${Math.max(0, Math.round((status.retryAt - Date.now()) / 1000))} s`)
  return lines.join('\n')
}

export function addRelayCommands(program: Command, parts: CliParts): void {
  const { dataOption, withClient, print, json } = parts
  const relay = program
    .command('relay')
    .description('the relay that reaches people beyond this LAN')

  relay
    .command('status')
    .description('the relay address and the link state, with the last error in words')
    .addOption(dataOption())
    .option('--json', 'print JSON')
    .action((options: DataOption & { json?: boolean }) =>
      withClient(options, async (client) => {
        const status = await client.relayStatus()
        if (options.json === true) json(status)
        else print(formatRelay(status))
      }),
    )

  relay
    .command('set')
    .description('use this relay (mqtt://host:1883#<relay PeerId>, as pigeon-relay prints it)')
    .argument('<address>')
    .addOption(dataOption())
    .action((address: string, options: DataOption) =>
      withClient(options, async (client) => print(formatRelay(await client.setRelay(address)))),
    )

  relay
    .command('off')
    .description('stop using a relay')
    .addOption(dataOption())
    .action((options: DataOption) =>
      withClient(options, async (client) => print(formatRelay(await client.setRelay(null)))),
    )

  const contact = program.command('contact').description('people beyond this LAN')

  contact
    .command('add')
    .description('add a contact by PeerId or pigeon: link (see pigeon link)')
    .argument('<peerId|link>')
    .addOption(dataOption())
    .action((link: string, options: DataOption) =>
      withClient(options, async (client) => {
        const peer = await client.addContact(link)
        print(
          `added ${peer.name !== null && peer.name !== '' ? `${peer.name} ` : ''}${peer.peerId}`,
        )
      }),
    )

  contact
    .command('list')
    .description('everyone known: on this LAN, through the relay, or offline')
    .addOption(dataOption())
    .option('--json', 'print JSON')
    .action(listPeers(parts))

  program
    .command('link')
    .description('my contact link (and its QR code) for people beyond this LAN')
    .addOption(dataOption())
    .option('--no-qr', 'print only the link')
    .action((options: DataOption & { qr: boolean }) =>
      withClient(options, async (client) => {
        const mine = await client.myLink()
        print(options.qr ? `${mine.qr}\n${mine.link}` : mine.link)
      }),
    )
}
