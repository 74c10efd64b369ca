// A received file never overwrites one already there: `name.ext`, else
// `name (1).ext`, `name (2).ext`, … — the extension kept, as browsers and file managers do.
import { lstat } from 'node:fs/promises'
import { join } from 'node:path'

export async function uniqueName(dir: string, name: string): Promise<string> {
  const dot = name.lastIndexOf('.')
  // ".bashrc" has no extension; "archive.tar.gz" keeps only ".gz" as browsers do
  const [stem, ext] = dot > 0 ? [name.slice(0, dot), name.slice(dot)] : [name, '']
  for (let n = 0; ; n++) {
    const candidate = n === 0 ? name : `${stem} (${n})${ext}`
    try {
      await lstat(join(dir, candidate))
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return candidate
      throw error
    }
  }
}
