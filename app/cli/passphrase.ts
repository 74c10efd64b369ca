// Where `pigeon identity export|import` gets the backup passphrase: --passphrase-file (its first
// line) or $PIGEON_PASSPHRASE for scripts, else a prompt on the terminal that does not echo.
import { readFileSync } from 'node:fs'
import { PigeonError } from '../../shared/errors.js'

export interface PassphraseSource {
  passphraseFile?: string
  env: Record<string, string | undefined>
}

/** Reads a line from the terminal without echoing it. */
function promptHidden(question: string): Promise<string> {
  const input = process.stdin
  process.stderr.write(question)
  input.setRawMode(true)
  input.resume()
  input.setEncoding('utf8')
  return new Promise((resolve, reject) => {
    let typed = ''
    const done = (error?: Error): void => {
      input.off('data', onData)
      input.setRawMode(false)
      input.pause()
      process.stderr.write('\n')
      if (error === undefined) resolve(typed)
      else reject(error)
    }
    const onData = (chunk: string): void => {
      for (const char of chunk) {
        if (char === '\r' || char === '\n') return done()
        if (char === '\u0003')
          return done(
            new PigeonError('BACKUP_PASSPHRASE_MISSING', 'Cancelled; nothing was changed.'),
          )
        if (char === '\u007f' || char === '\b') typed = [...typed].slice(0, -1).join('')
        else typed += char
      }
    }
    input.on('data', onData)
  })
}

/** The passphrase; `confirm` asks twice at a prompt (a typo in a new passphrase locks the key away). */
export async function readPassphrase(source: PassphraseSource, confirm: boolean): Promise<string> {
  if (source.passphraseFile !== undefined) {
    let text: string
    try {
      text = readFileSync(source.passphraseFile, 'utf8')
    } catch (cause) {
      throw new PigeonError(
        'BACKUP_PASSPHRASE_MISSING',
        `The passphrase file ${source.passphraseFile} cannot be read (${(cause as NodeJS.ErrnoException).code ?? String(cause)}).`,
        { cause },
      )
    }
    return text.split(/\r?\n/)[0] ?? ''
  }
  const fromEnv = source.env.PIGEON_PASSPHRASE
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv
  if (!process.stdin.isTTY) {
    throw new PigeonError(
      'BACKUP_PASSPHRASE_MISSING',
      'No passphrase: run this in a terminal to be asked for one, or give it with --passphrase-file <file> or $PIGEON_PASSPHRASE.',
    )
  }
  const first = await promptHidden('Backup passphrase: ')
  if (confirm && (await promptHidden('Same passphrase again: ')) !== first) {
    throw new PigeonError(
      'BACKUP_PASSPHRASE_MISSING',
      'The two passphrases differ; nothing was written. Try again.',
    )
  }
  return first
}
