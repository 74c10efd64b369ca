// `pigeon identity export|import`: my identity key sealed with a passphrase into a backup file
// (docs/protocol.md §9), and back into a data dir (app/cli/identity.ts does the work). These run
// without a node: they read and write the data dir itself.
import { type Command, Option } from 'commander'
import type { CliParts, DataOption } from '../cli-parts.js'
import { readPassphrase } from '../passphrase.js'

const passphraseOption = (): Option =>
  new Option(
    '--passphrase-file <file>',
    'read the passphrase from the first line of this file (also: $PIGEON_PASSPHRASE; default: ask)',
  )

export function addIdentityCommands(program: Command, parts: CliParts): void {
  const { dataOption, dataDirOf, print } = parts
  const identity = program
    .command('identity')
    .description('my identity key: back it up, or bring it to another computer')

  identity
    .command('export')
    .description('write my identity key, sealed with a passphrase, to a new file')
    .argument('<file>')
    .addOption(dataOption())
    .addOption(passphraseOption())
    .action(async (file: string, options: DataOption & { passphraseFile?: string }) => {
      const { exportIdentity } = await import('../identity.js')
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
      async (
        file: string,
        options: DataOption & { passphraseFile?: string; replace?: boolean },
      ) => {
        const { importIdentity } = await import('../identity.js')
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
}
