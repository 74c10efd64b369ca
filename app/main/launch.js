#!/usr/bin/env node
// `npm start`: the desktop app when Electron's binary is installed, otherwise — as on machines
// where it cannot be downloaded — one line saying so, then browser mode (`pigeon start --web`).
// Plain JS so it runs straight after `npm install`. Arguments pass through (`npm start -- --name Ada`).
//
// Both modes run what `npm run build` made (`prepare` runs it on `npm install`): the compiled
// CLI, the renderer and the Electron bundle in dist/. It is built again only when a source file is
// newer than the oldest of those outputs (freshness.js), so a launch after an edit or a `git pull`
// rebuilds once, and every other launch starts at once.
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { buildIsCurrent } from './freshness.js'

const root = fileURLToPath(new URL('../../', import.meta.url))
const args = process.argv.slice(2)

function buildIfChanged() {
  if (buildIsCurrent(root)) return
  console.log('Building Pigeon (sources changed since the last build)…')
  // under `npm start`, npm says where it is; run directly, npm from PATH
  const npm = process.env.npm_execpath
  const built =
    npm === undefined
      ? spawnSync('npm', ['run', 'build'], {
          cwd: root,
          stdio: 'inherit',
          shell: process.platform === 'win32',
        })
      : spawnSync(process.execPath, [npm, 'run', 'build'], { cwd: root, stdio: 'inherit' })
  if (built.status !== 0) process.exit(built.status ?? 1)
}

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

buildIfChanged()
const electron = electronBinary()
if (electron !== undefined && process.env.PIGEON_BROWSER !== '1') {
  run(electron, ['dist/electron/main.js', ...args])
} else {
  console.log(
    'Electron is not installed here (`npm run electron:install` fetches it where there is internet), so Pigeon starts in browser mode.',
  )
  run(process.execPath, ['dist/app/cli/bin.js', 'start', '--web', ...args])
}
