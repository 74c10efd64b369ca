// The `pigeon` command (commander 14). `start` runs a node in the foreground; every other command
// talks to the running node of its data dir through the local API. Any failure is one line on
// stderr and a non-zero exit.
import { homedir } from 'node:os'
import { resolve } from 'node:path'
import { Command, InvalidArgumentError, Option } from 'commander'
import pino from 'pino'
import { isPigeonError } from '../../shared/errors.js'
import { isPeerStatus, PEER_STATUS_WORDS } from '../../shared/status.js'
import type { ApiClient } from '../api/client.js'
import type { GroupView, MessageView, PeerStatus, RelayStatusView } from '../api/contract.js'
import { connectToDataDir } from '../api/discover.js'
import { resolveDataDir } from '../core/data-dir.js'
import { checkOutgoingText } from '../core/outgoing-text.js'
import { readPassphrase } from './passphrase.js'
import { formatGroups, formatMe, formatMessages, formatPeers } from './output.js'
import { addOpenCommand, writeWebEndpoint } from './open.js'
import { addTransferCommands } from './transfers.js'
import { addVerifyCommand } from './commands/verify.js'
import { addEverydayCommands, readTextFromStdin } from './commands/everyday.js'

interface DataOption {
  data?: string
}

function dataDirOf(options: DataOption): string {
  return resolveDataDir({
    flag: options.data,
    env: process.env,
    platform: process.platform,
    home: homedir(),
  })
}

function positiveInt(max: number) {
  return (value: string): number => {
    const n = Number(value)
    if (!Number.isInteger(n) || n < 1 || n > max)
      throw new InvalidArgumentError(`must be a whole number from 1 to ${max}.`)
    return n
  }
}

const port = (value: string): number => {
  const n = Number(value)
  if (!Number.isInteger(n) || n < 0 || n > 65_535)
    throw new InvalidArgumentError('must be a port number (0-65535).')
  return n
}

const dataOption = (): Option =>
  new Option('--data <dir>', 'data dir (default: $PIGEON_HOME, else the OS convention)')

async function withClient<T>(
  options: DataOption,
  run: (client: ApiClient) => Promise<T>,
): Promise<T> {
  return run(await connectToDataDir(dataDirOf(options)))
}

function print(text: string): void {
  process.stdout.write(`${text}\n`)
}

function json(value: unknown): void {
  print(JSON.stringify(value, null, 2))
}

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
async function nameMap(client: ApiClient): Promise<Map<string, string>> {
  const [peers, groups] = await Promise.all([client.peers(), client.groups()])
  return new Map([
    ...peers.flatMap((p) => (p.name === null ? [] : [[p.peerId, p.name] as [string, string]])),
    ...groups.map((g) => [g.conversation, `#${g.name}`] as [string, string]),
  ])
}

/** `pigeon peers` and `pigeon contact list`: everyone known, with the paths that reach them */
function listPeers(options: DataOption & { json?: boolean }): Promise<void> {
  return withClient(options, async (client) => {
    const peers = await client.peers()
    if (options.json === true) json(peers)
    else print(formatPeers(peers))
  })
}

const program = new Command('pigeon')
  .description(
    'LAN messenger: peers found by mDNS, direct encrypted chat, history that never loses a message',
  )
  .showSuggestionAfterError()

program
  .command('start')
  .description('run a node in the foreground (Ctrl-C or SIGTERM stops it cleanly)')
  .addOption(dataOption())
  .option('--name <name>', 'my display name')
  .option('--workgroup <name>', "the workgroup (department) I am listed under; '' removes it")
  .option('--host-name <name>', "the host name peers see beside my name (default: this machine's)")
  .option('--port <n>', 'LAN TCP port (default: the last one used, else any free one)', port)
  .addOption(new Option('--api-port <n>', 'local API port').argParser(port).hideHelp())
  .addOption(new Option('--listen-host <host>', 'LAN listen address').hideHelp())
  .addOption(new Option('--connect <multiaddr...>', 'peers to dial at start').hideHelp())
  .addOption(new Option('--no-mdns', 'no mDNS (also: PIGEON_MDNS=off)').hideHelp())
  .option(
    '--relay <address>',
    'relay for peers beyond the LAN (mqtt://host:port#<relayId>; remembered)',
  )
  .option(
    '--ipmsg',
    'talk to IP Messenger, FeiQ and iptux users on UDP 2425 (not encrypted; remembered)',
  )
  .option('--no-ipmsg', 'turn the IP Messenger bridge off (remembered)')
  .option(
    '--downloads <dir>',
    "where received files land (remembered; default: the OS download folder's Pigeon)",
  )
  .option('--web', 'also serve the web UI on 127.0.0.1 and print its address')
  .option(
    '--web-port <n>',
    'port of the web UI (implies --web; default: 24250, else any free one)',
    port,
  )
  .option(
    '--new-identity',
    'start as a new user: the old key and history move into <data>/archive-<time>/',
  )
  .action(
    async (
      options: DataOption & {
        name?: string
        workgroup?: string
        hostName?: string
        port?: number
        apiPort?: number
        listenHost?: string
        connect?: string[]
        mdns: boolean
        web?: boolean
        webPort?: number
        relay?: string
        ipmsg?: boolean
        newIdentity?: boolean
        downloads?: string
      },
    ) => {
      const logger = pino({ level: process.env.PIGEON_LOG ?? 'warn' }, pino.destination(2))
      // loaded here: the other commands need no libp2p and start quicker without it
      const { startNode } = await import('../node/start-node.js')
      const node = await startNode({
        dataDir: dataDirOf(options),
        name: options.name,
        workgroup: options.workgroup,
        host: options.hostName,
        port: options.port,
        newIdentity: options.newIdentity,
        apiPort: options.apiPort,
        listenHost: options.listenHost ?? process.env.PIGEON_LISTEN_HOST,
        mdns: options.mdns && process.env.PIGEON_MDNS !== 'off',
        relay: options.relay,
        ipmsg: { enabled: options.ipmsg },
        connect: options.connect ?? process.env.PIGEON_CONNECT?.split(',').filter((a) => a !== ''),
        logger,
      })
      // a name given here is chosen: the UI's first-run dialog does not ask again (FirstRun.dom.tsx)
      if (options.name !== undefined) node.messenger.setSetting('profile.nameChosen', true)
      if (options.downloads !== undefined) {
        const { SETTING_DOWNLOAD_DIR } = await import('../core/files/transfers.js')
        node.messenger.setSetting(SETTING_DOWNLOAD_DIR, resolve(options.downloads))
      }
      const stops: Array<() => Promise<void>> = [() => node.stop()]
      const extra: Array<[string, string]> = []
      if (node.relay.url !== undefined) extra.push(['relay', node.relay.url])
      if (node.ipmsg.running)
        extra.push(['ipmsg', `UDP ${node.ipmsg.port} (IP Messenger users: not encrypted)`])
      if (options.web === true || options.webPort !== undefined) {
        const { serveWebUi } = await import('../web/serve.js')
        const web = await serveWebUi({
          apiUrl: node.api.url,
          token: node.api.token,
          port: options.webPort,
        }).catch(async (error: unknown) => {
          await node.stop()
          throw error
        })
        stops.unshift(() => web.close(), writeWebEndpoint(node.dataDir, web.port))
        if (web.fellBackFrom !== undefined)
          print(`Port ${web.fellBackFrom} is taken; the web UI is on port ${web.port} instead.`)
        extra.push(['web', web.url])
      }
      const me = node.messenger.me()
      if (node.archivedTo !== undefined)
        print(`The previous identity and its history are in ${node.archivedTo}`)
      print(`Pigeon is running (Ctrl-C to stop)`)
      print(
        formatMe({ ...me, addresses: node.addresses() }, [
          ['API', node.api.url],
          ['data', node.dataDir],
          ...extra,
        ]),
      )
      let signals = 0
      const shutdown = (signal: NodeJS.Signals): void => {
        signals += 1
        if (signals > 1) process.exit(130)
        logger.info({ signal }, 'stopping')
        stops
          .reduce((done, stop) => done.then(stop, stop), Promise.resolve())
          .then(
            () => process.exit(0),
            () => process.exit(1),
          )
      }
      process.on('SIGINT', shutdown)
      process.on('SIGTERM', shutdown)
    },
  )

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
  .action(listPeers)

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

const relay = program.command('relay').description('the relay that reaches people beyond this LAN')

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
      print(`added ${peer.name !== null && peer.name !== '' ? `${peer.name} ` : ''}${peer.peerId}`)
    }),
  )

contact
  .command('list')
  .description('everyone known: on this LAN, through the relay, or offline')
  .addOption(dataOption())
  .option('--json', 'print JSON')
  .action(listPeers)

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

const group = program
  .command('group')
  .description('conversations with several people; every message is sealed to each member')

/** Prints a group after a change, as `group list` shows it. */
function printGroup(client: ApiClient, view: GroupView): Promise<void> {
  return Promise.all([nameMap(client), client.me()]).then(([names, me]) =>
    print(formatGroups([view], names, me.peerId)),
  )
}

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
    withClient(options, async (client) => printGroup(client, await client.addToGroup(ref, peers))),
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

const identity = program
  .command('identity')
  .description('my identity key: back it up, or bring it to another computer')

const passphraseOption = (): Option =>
  new Option(
    '--passphrase-file <file>',
    'read the passphrase from the first line of this file (also: $PIGEON_PASSPHRASE; default: ask)',
  )

identity
  .command('export')
  .description('write my identity key, sealed with a passphrase, to a new file')
  .argument('<file>')
  .addOption(dataOption())
  .addOption(passphraseOption())
  .action(async (file: string, options: DataOption & { passphraseFile?: string }) => {
    const { exportIdentity } = await import('./identity.js')
    const peerId = await exportIdentity(dataDirOf(options), file, () =>
      readPassphrase({ ...options, env: process.env }, true),
    )
    print(`The identity ${peerId} is in ${file}; keep it and its passphrase safe.`)
  })

identity
  .command('import')
  .description("make the identity in a backup file (pigeon identity export) this data dir's")
  .argument('<file>')
  .addOption(dataOption())
  .addOption(passphraseOption())
  .option('--replace', 'archive the identity and history already here, then import')
  .action(
    async (file: string, options: DataOption & { passphraseFile?: string; replace?: boolean }) => {
      const { importIdentity } = await import('./identity.js')
      const dir = dataDirOf(options)
      const passphrase = (): Promise<string> =>
        readPassphrase({ ...options, env: process.env }, false)
      const result = await importIdentity(dir, file, passphrase, options.replace === true)
      if (result.archivedTo !== undefined)
        print(`The previous identity and its history are in ${result.archivedTo}`)
      print(
        result.unchanged
          ? `${dir} already is ${result.identity.peerId}; nothing changed.`
          : `${dir} is now ${result.identity.peerId}; \`pigeon start --data ${dir}\` runs it.`,
      )
    },
  )

const VERDICT_MARK = { ok: 'ok  ', warn: 'warn', fail: 'FAIL' } as const

program
  .command('doctor')
  .description('checks that explain why a peer is not visible or not reachable')
  .argument('[peer]', 'a PeerId or display name to check too')
  .addOption(dataOption())
  .option('--json', 'print JSON')
  .action((peer: string | undefined, options: DataOption & { json?: boolean }) =>
    withClient(options, async (client) => {
      const findings = await client.doctor(peer)
      if (options.json === true) json(findings)
      else
        print(
          findings
            .map((f) => `${VERDICT_MARK[f.verdict]}  ${f.check.padEnd(9)} ${f.message}`)
            .join('\n'),
        )
      if (findings.some((f) => f.verdict === 'fail')) process.exitCode = 1
    }),
  )

addTransferCommands(program, { dataOption, withClient, print, json })
addVerifyCommand(program, { dataOption, withClient, print, json })
addEverydayCommands(program, { dataOption, withClient, print, json })
addOpenCommand(program, { dataOption, withClient, print, dataDirOf })

try {
  await program.parseAsync(process.argv)
} catch (error) {
  // the code too: it is stable, so it can be looked up and scripts can branch on it
  const message = isPigeonError(error)
    ? `${error.message} [${error.code}]`
    : error instanceof Error
      ? error.message
      : String(error)
  process.stderr.write(`pigeon: ${message}\n`)
  process.exit(1)
}
