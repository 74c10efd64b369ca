// `pigeon start`: runs a node in the foreground until Ctrl-C or SIGTERM, optionally with the web
// UI (`--web`, whose port `pigeon open` reads back from web.json) — the one command that is a
// node rather than a client of one. The node and the web server are imported when it runs: the
// other commands need no libp2p and start quicker without it.
import { resolve } from 'node:path'
import { type Command, Option } from 'commander'
import pino from 'pino'
import { type CliParts, type DataOption, port } from '../cli-parts.js'
import { writeWebEndpoint } from '../open.js'
import { formatMe } from '../output.js'

interface StartOptions extends DataOption {
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
}

export function addStartCommand(program: Command, parts: CliParts): void {
  const { dataOption, dataDirOf, print } = parts
  program
    .command('start')
    .description('run a node in the foreground (Ctrl-C or SIGTERM stops it cleanly)')
    .addOption(dataOption())
    .option('--name <name>', 'my display name')
    .option('--workgroup <name>', "the workgroup (department) I am listed under; '' removes it")
    .option(
      '--host-name <name>',
      "the host name peers see beside my name (default: this machine's)",
    )
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
    .action(async (options: StartOptions) => {
      const logger = pino({ level: process.env.PIGEON_LOG ?? 'warn' }, pino.destination(2))
      // loaded here: the other commands need no libp2p and start quicker without it
      const { startNode } = await import('../../node/start-node.js')
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
        const { SETTING_DOWNLOAD_DIR } = await import('../../core/files/transfers.js')
        node.messenger.setSetting(SETTING_DOWNLOAD_DIR, resolve(options.downloads))
      }
      const stops: Array<() => Promise<void>> = [() => node.stop()]
      const extra: Array<[string, string]> = []
      if (node.relay.url !== undefined) extra.push(['relay', node.relay.url])
      if (node.ipmsg.running)
        extra.push(['ipmsg', `UDP ${node.ipmsg.port} (IP Messenger users: not encrypted)`])
      if (options.web === true || options.webPort !== undefined) {
        const { serveWebUi } = await import('../../web/serve.js')
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
    })
}
