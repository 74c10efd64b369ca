// `pigeon doctor [peer]`: the node's checks that explain why a peer is not visible or not
// reachable, one verdict a line; the exit code is 1 when any check fails, for scripts.
import type { Command } from 'commander'
import type { CliParts, DataOption } from '../cli-parts.js'

const VERDICT_MARK = { ok: 'ok  ', warn: 'warn', fail: 'FAIL' } as const

export function addDoctorCommand(program: Command, parts: CliParts): void {
  const { dataOption, withClient, print, json } = parts
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
}
