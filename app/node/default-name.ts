// The display name a node takes when none was given (`pigeon start` without --name, the desktop
// app's first start): the OS account's full name — the first field of the GECOS column of
// /etc/passwd, as `finger` and desktop login screens show it — else the login name; never a bare
// "root" (root's GECOS says "root" too), which would name every admin's machine alike: then the
// host name, which at least tells computers apart.
import { readFileSync } from 'node:fs'
import { hostname, userInfo } from 'node:os'
import { LIMITS } from '../../shared/limits.js'

export function defaultDisplayName(): string {
  let passwd = ''
  try {
    passwd = readFileSync('/etc/passwd', 'utf8')
  } catch {
    // not Linux or unreadable: os.userInfo alone
  }
  let user: { uid: number; username: string } = { uid: -1, username: '' }
  try {
    user = userInfo()
  } catch {
    // no passwd entry for this uid (a container's random uid)
  }
  return nameFromPasswd(passwd, user.uid, user.username, hostname())
}

/** The rule above over a passwd file's text, for one uid. */
export function nameFromPasswd(
  passwd: string,
  uid: number,
  username: string,
  host: string,
): string {
  const line = passwd.split('\n').find((l) => l.split(':')[2] === String(uid))
  const gecos = (line?.split(':')[4] ?? '').split(',')[0]?.trim() ?? ''
  const login = username !== '' ? username : (line?.split(':')[0] ?? '')
  for (const candidate of [gecos, login.trim()])
    if (candidate !== '' && candidate.toLowerCase() !== 'root') return fit(candidate)
  return host !== '' ? fit(host) : 'Pigeon user'
}

/** at most LIMITS.nameChars code points, as the profile takes them */
function fit(name: string): string {
  return [...name].slice(0, LIMITS.nameChars).join('')
}
