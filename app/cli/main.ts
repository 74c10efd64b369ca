// The `pigeon` command (commander 14). `start` runs a node in the foreground; every other command
// talks to the running node of its data dir through the local API. Any failure is one line on
// stderr and a non-zero exit. The commands are in commands/ (and transfers.ts, open.ts), each
// given the shared parts of cli-parts.ts; they are added here in the order help lists them.
import { Command } from 'commander'
import { isPigeonError } from '../../shared/errors.js'
import { cliParts } from './cli-parts.js'
import { addDoctorCommand } from './commands/doctor.js'
import { addEverydayCommands } from './commands/everyday.js'
import { addGroupCommands } from './commands/groups.js'
import { addIdentityCommands } from './commands/identity.js'
import { addMessageCommands } from './commands/messages.js'
import { addRelayCommands } from './commands/relay.js'
import { addStartCommand } from './commands/start.js'
import { addVerifyCommand } from './commands/verify.js'
import { addOpenCommand } from './open.js'
import { addTransferCommands } from './transfers.js'

const program = new Command('pigeon')
  .description(
    'LAN messenger: peers found by mDNS, direct encrypted chat, history that never loses a message',
  )
  .showSuggestionAfterError()

addStartCommand(program, cliParts)
addMessageCommands(program, cliParts)
addRelayCommands(program, cliParts)
addGroupCommands(program, cliParts)
addIdentityCommands(program, cliParts)
addDoctorCommand(program, cliParts)
addTransferCommands(program, cliParts)
addVerifyCommand(program, cliParts)
addEverydayCommands(program, cliParts)
addOpenCommand(program, cliParts)

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
