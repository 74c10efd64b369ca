// What every `pigeon` command shares: the --data option and the data dir it names, the client of
// the running node there (app/api/discover.ts), the two ways to print an answer, and the argument
// parsers for counts and ports. main.ts hands `cliParts` to each addXCommands of commands/.
import { homedir } from 'node:os'
import { InvalidArgumentError, Option } from 'commander'
import type { ApiClient } from '../api/client.js'
import { connectToDataDir } from '../api/discover.js'
import { resolveDataDir } from '../core/data-dir.js'

export interface DataOption {
  data?: string
}

export interface CliParts {
  dataOption: () => Option
  withClient: <T>(options: DataOption, run: (client: ApiClient) => Promise<T>) => Promise<T>
  print: (text: string) => void
  json: (value: unknown) => void
  dataDirOf: (options: DataOption) => string
}

export function dataDirOf(options: DataOption): string {
  return resolveDataDir({
    flag: options.data,
    env: process.env,
    platform: process.platform,
    home: homedir(),
  })
}

export function positiveInt(max: number) {
  return (value: string): number => {
    const n = Number(value)
    if (!Number.isInteger(n) || n < 1 || n > max)
      throw new InvalidArgumentError(`must be a whole number from 1 to ${max}.`)
    return n
  }
}

export const port = (value: string): number => {
  const n = Number(value)
  if (!Number.isInteger(n) || n < 0 || n > 65_535)
    throw new InvalidArgumentError('must be a port number (0-65535).')
  return n
}

export const dataOption = (): Option =>
  new Option('--data <dir>', 'data dir (default: $PIGEON_HOME, else the OS convention)')

export async function withClient<T>(
  options: DataOption,
  run: (client: ApiClient) => Promise<T>,
): Promise<T> {
  return run(await connectToDataDir(dataDirOf(options)))
}

export function print(text: string): void {
  process.stdout.write(`${text}\n`)
}

export function json(value: unknown): void {
  print(JSON.stringify(value, null, 2))
}

export const cliParts: CliParts = { dataOption, withClient, print, json, dataDirOf }
