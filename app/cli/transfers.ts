// `pigeon send-file`, `transfers`, `accept`, `decline`, `cancel`, `pause`, `resume`: files and
// folders over the LAN (docs/protocol.md §10–§11), through the local API like every command.
// `accept` follows the transfer until it ends: one progress line redrawn on a TTY (rate, ETA),
// a plain line per second otherwise.
import { resolve } from 'node:path'
import type { Command } from 'commander'
import { formatBytes } from '../../shared/byte-size.js'
import { PigeonError } from '../../shared/errors.js'
import type { ApiClient } from '../api/client.js'
import type { TransferView } from '../api/contract.js'
import type { CliParts, DataOption } from './cli-parts.js'

/** the transfer as `pigeon transfers --json` promises it (snake_case, like the other JSON) */
export function transferJson(t: TransferView): Record<string, unknown> {
  return {
    id: t.id,
    peer: t.peer,
    name: t.name,
    size: t.size,
    bytes_done: t.bytesDone,
    direction: t.direction,
    state: t.state,
    error: t.error,
    path: t.path,
  }
}

export function formatTransfer(t: TransferView, names: Map<string, string>): string {
  const who = names.get(t.peer) ?? t.peer
  const arrow = t.direction === 'out' ? `to ${who}` : `from ${who}`
  const done =
    t.state === 'done' ? formatBytes(t.size) : `${formatBytes(t.bytesDone)}/${formatBytes(t.size)}`
  const error = t.error === null ? '' : `  (${t.error})`
  return `${t.id}  ${t.state.padEnd(12)} ${t.name}  ${done}  ${arrow}${error}`
}

/** one progress line: percent, bytes, rate and ETA */
export function progressLine(t: TransferView): string {
  const percent = t.size === 0 ? 100 : Math.floor((t.bytesDone * 100) / t.size)
  const rate = t.rateBytesPerSec
  const eta = rate > 0 ? `${Math.ceil((t.size - t.bytesDone) / rate)} s left` : ''
  return `${t.name}  ${percent}%  ${formatBytes(t.bytesDone)}/${formatBytes(t.size)}  ${formatBytes(rate)}/s  ${eta}`.trimEnd()
}

const ENDED = new Set<TransferView['state']>(['done', 'failed', 'declined', 'cancelled', 'paused'])

/** Follows one transfer's events until it ends (or pauses); resolves with its last view. */
async function follow(
  client: ApiClient,
  start: (client: ApiClient) => Promise<TransferView>,
  write: (text: string) => void,
): Promise<TransferView> {
  const tty = process.stdout.isTTY === true
  let id: string | undefined
  let last: TransferView | undefined
  let lastLine = 0
  let finish: ((view: TransferView) => void) | undefined
  const ended = new Promise<TransferView>((resolve) => (finish = resolve))
  const show = (view: TransferView): void => {
    last = view
    if (ENDED.has(view.state)) {
      if (tty) process.stdout.write('\r\x1b[2K')
      finish?.(view)
      return
    }
    if (tty) process.stdout.write(`\r\x1b[2K${progressLine(view)}`)
    else if (Date.now() - lastLine >= 1000) {
      lastLine = Date.now()
      write(progressLine(view))
    }
  }
  const pending: TransferView[] = []
  const unsubscribe = await client.subscribed((event) => {
    if (event.type !== 'transfer') return
    if (id === undefined) pending.push(event.transfer)
    else if (event.transfer.id === id) show(event.transfer)
  })
  try {
    const started = await start(client)
    id = started.id
    // events that came before the answer, then the answer itself if nothing newer came
    for (const view of pending.splice(0)) if (view.id === id) show(view)
    if (last === undefined) show(started)
    return await ended
  } finally {
    unsubscribe()
  }
}

export function addTransferCommands(program: Command, cli: CliParts): void {
  const { dataOption, withClient, print, json } = cli
  const names = async (client: ApiClient): Promise<Map<string, string>> =>
    new Map(
      (await client.peers()).flatMap((p) =>
        p.name === null ? [] : [[p.peerId, p.name] as [string, string]],
      ),
    )

  program
    .command('send-file')
    .description('offer files or folders to a peer over the LAN; prints a transfer id per path')
    .argument('<peer>')
    .argument('<path...>')
    .addOption(dataOption())
    .action((peer: string, paths: string[], options: DataOption) =>
      withClient(options, async (client) => {
        // the node resolves nothing against its own working directory: send absolute paths
        const sent = await client.sendFiles(
          peer,
          paths.map((p) => resolve(p)),
        )
        for (const t of sent) print(t.id)
      }),
    )

  program
    .command('transfers')
    .description('files and folders sent and offered, oldest first')
    .addOption(dataOption())
    .option('--json', 'print JSON')
    .action((options: DataOption & { json?: boolean }) =>
      withClient(options, async (client) => {
        const all = await client.transfers()
        if (options.json === true) json(all.map(transferJson))
        else if (all.length === 0) print('No transfers yet.')
        else {
          const map = await names(client)
          print(all.map((t) => formatTransfer(t, map)).join('\n'))
        }
      }),
    )

  program
    .command('accept')
    .description('accept an offered transfer and follow it until it is done')
    .argument('<id>')
    .addOption(dataOption())
    .option(
      '--to <dir>',
      'where it lands (default: setting files.downloadDir, else ~/Downloads/Pigeon)',
    )
    .option('--detach', 'return once it started, without following it')
    .action((id: string, options: DataOption & { to?: string; detach?: boolean }) =>
      withClient(options, async (client) => {
        const dir = options.to === undefined ? undefined : resolve(options.to)
        if (options.detach === true) {
          print(formatTransfer(await client.acceptTransfer(id, dir), await names(client)))
          return
        }
        const end = await follow(client, (c) => c.acceptTransfer(id, dir), print)
        if (end.state === 'done') print(`done: ${end.path ?? end.name}`)
        else if (end.state === 'paused')
          print(`paused at ${formatBytes(end.bytesDone)}; \`pigeon resume ${id}\` goes on`)
        else
          throw new PigeonError(
            'FILE_TRANSFER_FAILED',
            `Transfer ${id} ended ${end.state}${end.error === null ? '' : `: ${end.error}`}.`,
          )
      }),
    )

  const simple: Array<[string, string, (client: ApiClient, id: string) => Promise<TransferView>]> =
    [
      [
        'decline',
        'decline an offered transfer (the sender is told)',
        (c, id) => c.declineTransfer(id),
      ],
      [
        'cancel',
        'cancel a transfer: stop offering mine, or stop pulling theirs and delete what came',
        (c, id) => c.cancelTransfer(id),
      ],
      ['pause', 'pause a running transfer (what came is kept)', (c, id) => c.pauseTransfer(id)],
      ['resume', 'resume a paused or failed transfer', (c, id) => c.resumeTransfer(id)],
    ]
  for (const [name, description, run] of simple)
    program
      .command(name)
      .description(description)
      .argument('<id>')
      .addOption(dataOption())
      .action((id: string, options: DataOption) =>
        withClient(options, async (client) =>
          print(formatTransfer(await run(client, id), await names(client))),
        ),
      )
}
