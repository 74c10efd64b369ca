// Real Redis and Mosquitto from Debian, started on free loopback ports in their own temp dirs
// (test/support/debian-deps.sh installs them). Each returns a stop() that kills and cleans up.
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createConnection, createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export interface BrokerProcess {
  port: number
  pid: number
  child: ChildProcess
  dir: string
  stop(): Promise<void>
}

export async function freePort(): Promise<number> {
  return await new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      const port = typeof address === 'object' && address !== null ? address.port : 0
      server.close(() => resolve(port))
    })
  })
}

async function waitForPort(port: number, child: ChildProcess, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (child.exitCode !== null)
      throw new Error(`process exited with ${child.exitCode} before listening on ${port}`)
    const ok = await new Promise<boolean>((resolve) => {
      const socket = createConnection({ port, host: '127.0.0.1' })
      socket.once('connect', () => {
        socket.destroy()
        resolve(true)
      })
      socket.once('error', () => resolve(false))
    })
    if (ok) return
    await new Promise((r) => setTimeout(r, 50))
  }
  throw new Error(`nothing listens on 127.0.0.1:${port} after ${timeoutMs} ms`)
}

function stopper(child: ChildProcess, dir: string): () => Promise<void> {
  return async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve))
      child.kill('SIGTERM')
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000)
      await exited
      clearTimeout(timer)
    }
    rmSync(dir, { recursive: true, force: true })
  }
}

export async function startRedis(): Promise<BrokerProcess & { url: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'pigeon-redis-'))
  const port = await freePort()
  const child = spawn(
    'redis-server',
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
      '--dir',
      dir,
    ],
    { stdio: 'ignore' },
  )
  await waitForPort(port, child)
  return {
    port,
    pid: child.pid!,
    child,
    dir,
    url: `redis://127.0.0.1:${port}`,
    stop: stopper(child, dir),
  }
}

export async function startMosquitto(
  options: { persistence?: boolean; extraConfig?: string[] } = {},
): Promise<BrokerProcess> {
  const dir = mkdtempSync(join(tmpdir(), 'pigeon-mosquitto-'))
  const port = await freePort()
  const conf = [
    `listener ${port} 127.0.0.1`,
    'allow_anonymous true',
    `persistence ${options.persistence === true ? 'true' : 'false'}`,
    `persistence_location ${dir}/`,
    'max_queued_messages 0',
    'log_dest none',
    ...(options.extraConfig ?? []),
  ]
  writeFileSync(join(dir, 'mosquitto.conf'), conf.join('\n') + '\n')
  const child = spawn('mosquitto', ['-c', join(dir, 'mosquitto.conf')], { stdio: 'ignore' })
  await waitForPort(port, child)
  return { port, pid: child.pid!, child, dir, stop: stopper(child, dir) }
}
