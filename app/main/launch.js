#!/usr/bin/env node
// `npm start`: the desktop app when Electron's binary is installed, otherwise — as on machines
// where it cannot be downloaded — one line saying so, then browser mode (`pigeon start --web`).
// Plain JS so it runs straight after `npm install`. Arguments pass through (`npm start -- --name Ada`).
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('../../', import.meta.url))
const args = process.argv.slice(2)

function electronBinary() {
  try {
    const dir = `${root}node_modules/electron`
    const relative = readFileSync(`${dir}/path.txt`, 'utf8').trim()
    const binary = `${dir}/dist/${relative}`
    return existsSync(binary) ? binary : undefined
  } catch {
    return undefined
  }
}

function run(command, argv) {
  const child = spawn(command, argv, { cwd: root, stdio: 'inherit' })
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal))
  child.on('exit', (code, signal) => process.exit(code ?? (signal === null ? 0 : 1)))
}

const electron = electronBinary()
if (electron !== undefined && process.env.PIGEON_BROWSER !== '1') {
  const built = spawnSync(process.execPath, ['--import', 'tsx', 'app/main/build.ts'], {
    cwd: root,
    stdio: 'inherit',
  })
  if (built.status !== 0) process.exit(built.status ?? 1)
  run(electron, ['dist/electron/main.js', ...args])
} else {
  console.log(
    'Electron is not installed here (`npm run electron:install` fetches it where there is internet), so Pigeon starts in browser mode.',
  )
  run(process.execPath, ['app/cli/bin.js', 'start', '--web', ...args])
}
