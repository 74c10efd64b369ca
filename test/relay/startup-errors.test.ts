// Starting the relay the ways an admin would (docs/relay.md "Run it"): a taken
// port, a read-only data dir and the shipped config example each give one line that says what is
// wrong and what to do, and exit 2; the printed address is one a user can enter.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { createServer, type AddressInfo } from 'node:net'
import { mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { createLan } from '../support/netns.js'
import { newDataDir, runRelayExpectingExit, startRelayProcess } from '../support/relay-process.js'
import { RELAY_SOURCE } from '../support/entry-points.js'

const EXAMPLE = join(import.meta.dirname, '..', '..', 'docs', 'relay.example.json')

function oneLine(stderr: string): string {
  const lines = stderr.trim().split('\n')
  assert.equal(lines.length, 1, `one line, no stack trace:\n${stderr}`)
  return lines[0]!
}

test('a taken HTTP or MQTT port is one line naming the port and the flag, exit 2', async (t) => {
  const taken = createServer()
  await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve))
  const port = (taken.address() as AddressInfo).port
  const dir = newDataDir()
  t.after(() => {
    taken.close()
    rmSync(dir, { recursive: true, force: true })
  })
  for (const flag of ['--http-port', '--mqtt-port']) {
    const other = flag === '--http-port' ? '--mqtt-port' : '--http-port'
    const { code, stderr } = await runRelayExpectingExit([
      '--data',
      dir,
      '--host',
      '127.0.0.1',
      other,
      '0',
      flag,
      String(port),
    ])
    assert.equal(code, 2, flag)
    const line = oneLine(stderr)
    assert.match(
      line,
      new RegExp(
        `127\\.0\\.0\\.1:${port} \\(${flag}\\): the port is in use by another program\\. .*choose another ${flag}`,
      ),
    )
  }
})

test('a read-only data dir says so, not "in use by another relay process", exit 2', async (t) => {
  // a read-only bind mount in a mount namespace of its own: as root, chmod would not stop us
  const dir = newDataDir()
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  const first = await startRelayProcess({ dataDir: dir }) // an existing data dir, with its store
  assert.equal(await first.stop(), 0)
  const empty = join(dir, 'empty')
  mkdirSync(empty)
  for (const data of [dir, join(empty, 'new')]) {
    const target = data === dir ? dir : empty
    let stderr = ''
    let code = 0
    try {
      execFileSync(
        'unshare',
        [
          '-m',
          'sh',
          '-c',
          'mount --bind "$0" "$0" && mount -o remount,ro,bind "$0" && exec "$@"',
          target,
          process.execPath,
          ...RELAY_SOURCE,
          ...['--data', data, '--host', '127.0.0.1', '--mqtt-port', '0', '--http-port', '0'],
        ],
        { stdio: ['ignore', 'pipe', 'pipe'], timeout: 20_000 },
      )
    } catch (error) {
      const failed = error as { status: number; stderr: Buffer }
      code = failed.status
      stderr = failed.stderr.toString()
    }
    assert.equal(code, 2, data)
    const line = oneLine(stderr)
    assert.match(line, /is on a read-only file system \(EROFS\).*Mount it read-write.*--data/)
    assert.doesNotMatch(line, /another relay process/)
  }
})

test('a damaged relay.key, admin-token or invites.json is one line naming the file and what to do, exit 2', async (t) => {
  // the same sentence the app gives for its damaged identity key (shared/node/secret-file.ts)
  for (const [file, content, remedy] of [
    ['relay.key', 'garbage', /Restore it from a backup of the data directory/],
    ['admin-token', '\n', /Delete it: the next start makes a new token/],
    ['invites.json', '{"codes":', /moving it away forgets the open codes/],
  ] as const) {
    const dir = newDataDir()
    t.after(() => rmSync(dir, { recursive: true, force: true }))
    writeFileSync(join(dir, file), content, { mode: 0o600 })
    const { code, stderr } = await runRelayExpectingExit([
      ...['--data', dir, '--host', '127.0.0.1', '--mqtt-port', '0', '--http-port', '0'],
    ])
    assert.equal(code, 2, file)
    const line = oneLine(stderr)
    assert.ok(
      line.startsWith(`pigeon-relay: ${join(dir, file)} is damaged: it does not hold `),
      line,
    )
    assert.match(line, remedy)
  }
})

test('docs/relay.example.json as shipped starts a relay (with ports, host and data overridden)', async (t) => {
  const dir = newDataDir()
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  const relay = await startRelayProcess({
    dataDir: dir,
    args: ['--config', EXAMPLE, '--ws-port', '0'],
  })
  try {
    const listening = relay.logs.find((l) => l['event'] === 'listening')!
    assert.equal(listening['inviteOnly'], true, 'the file was read')
    assert.ok(relay.ws !== undefined, 'its ws-port was honoured (overridden to 0)')
    const port = new URL(relay.mqtt).port
    assert.deepEqual(
      listening['addresses'],
      [`mqtt://relay.example.org:${port}#${relay.relayId}`],
      'its public-address is what users enter',
    )
    assert.equal((await fetch(`${relay.http}/healthz`)).status, 200)
  } finally {
    assert.equal(await relay.stop(), 0)
  }
})

test('bound to 0.0.0.0, the relay prints the machine’s real addresses, not 0.0.0.0', async (t) => {
  // in a namespace of the test's own, whose one interface is 10.79.0.1: nothing outside can reach it
  const lan = await createLan({ hosts: 1, subnet: '10.79.0' })
  const dir = newDataDir()
  t.after(async () => {
    await lan.destroy()
    rmSync(dir, { recursive: true, force: true })
  })
  const host = lan.hosts[0]!
  const relay = await startRelayProcess({ dataDir: dir, host, args: ['--host', '0.0.0.0'] })
  try {
    const listening = relay.logs.find((l) => l['event'] === 'listening')!
    const port = new URL(relay.mqtt).port
    assert.equal(relay.mqtt, `mqtt://0.0.0.0:${port}`)
    assert.deepEqual(listening['addresses'], [`mqtt://${host.address}:${port}#${relay.relayId}`])
    assert.match(
      String(listening['msg']),
      new RegExp(
        `users enter mqtt://${host.address.replaceAll('.', '\\.')}:${port}#${relay.relayId} \\(.*--public-address HOST\\)`,
      ),
    )
  } finally {
    await relay.stop()
  }
})
