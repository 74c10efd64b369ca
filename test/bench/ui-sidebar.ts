// `npm run bench -- ui sidebar [N ...]`: the sidebar in Debian's Chromium with N known peers
// (default 500 and 5,000) in 40 workgroups, against a real engine, real SQLite, the real local
// API and web server (test/e2e/support/memory-pair.ts). The peers are written into the node's
// store before the page opens, as `ui` writes its history: a bench measures the page, and the
// e2e test (test/e2e/sidebar-scale.test.ts) brings peers in through a real path. Measures:
// - first render: navigation start → the list's first rows painted with the count of all N;
//   reference in the same run: the page's own fetch of `peers` from the API alone;
// - filter keystroke: one `input` event in the filter → the list settled on the one peer it
//   finds, deep in the list (and back: the filter cleared → all N again), after a paint frame;
// - scroll frames: main-thread work per frame (scroll event → React render → style and layout)
//   scrolling the whole list top to bottom; reference: the interval between idle frames.
import { randomBytes } from 'node:crypto'
import { ed25519 } from '@noble/curves/ed25519.js'
import { percentile, type BenchResult } from './table.js'
import { ensureRendererBuilt } from '../../app/web/build.js'
import { defaultColor } from '../../app/core/profile.js'
import type { Store } from '../../app/core/store/index.js'
import { peerIdFromPublicKey } from '../../shared/identity.js'
import { launchChromium } from '../e2e/support/chromium.js'
import { startMemoryPair } from '../e2e/support/memory-pair.js'

const RUNS = 5
const WORKGROUPS = 40

const sorted = (values: number[]): number[] => [...values].sort((a, b) => a - b)
const median = (values: number[]): number => percentile(sorted(values), 50)
const p95 = (values: number[]): number => percentile(sorted(values), 95)

/** `count` offline peers named `Person 00001`…, hosts `host-00001`…, in WORKGROUPS workgroups */
function seedPeers(store: Store, count: number): void {
  const now = Date.now()
  store.transaction(() => {
    for (let i = 1; i <= count; i++) {
      const peerId = peerIdFromPublicKey(ed25519.getPublicKey(randomBytes(32)))
      const n = String(i).padStart(5, '0')
      store.peers.applyProfile({
        peerId,
        name: `Person ${n}`,
        color: defaultColor(peerId),
        status: 'online',
        version: 1,
        workgroup: `Dept ${String(i % WORKGROUPS).padStart(2, '0')}`,
        host: `host-${n}`,
      })
      store.peers.seen(peerId, [`10.1.${Math.floor(i / 250)}.${i % 250}`], now - i * 60_000)
    }
  })
}

// In-page scripts are strings: this file is type-checked without the DOM library.
const COUNT_IS = (count: number): string =>
  `[...document.querySelectorAll('[data-testid=contacts-list] .section-count')].some((e) => e.textContent === '${count}')`

/** an init script: from navigation start, each frame, until the list holds all N (its count
 * shown) and a row is painted; the time one frame later */
const WATCH_FIRST_RENDER = (count: number): string => `(() => {
  const frame = () => new Promise((r) => requestAnimationFrame(r))
  window.__firstRender = (async () => {
    for (let i = 0; i < 6000; i++) {
      if (document.body !== null && ${COUNT_IS(count)} && document.querySelector('[data-testid=contacts-list] [data-testid=contact]')) {
        await frame()
        return performance.now()
      }
      await frame()
    }
    throw new Error('the list never rendered')
  })()
})()`

const FETCH_REFERENCE = `(async () => {
  const token = sessionStorage.getItem('pigeon.token')
  const t0 = performance.now()
  const r = await fetch('/api/peers', { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer ' + token }, body: '{}' })
  const body = await r.json()
  if (!body.ok) throw new Error('reference fetch failed')
  return performance.now() - t0
})()`

/** one input event in the filter → `settled()` true, then a paint frame */
const FILTER = (value: string, settled: string): string => `(async () => {
  const frame = () => new Promise((r) => requestAnimationFrame(r))
  const input = document.querySelector('[data-testid=peer-filter]')
  const setter = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value').set
  const t0 = performance.now()
  setter.call(input, ${JSON.stringify(value)})
  input.dispatchEvent(new Event('input', { bubbles: true }))
  for (let i = 0; i < 3000; i++) {
    if (${settled}) { await frame(); return performance.now() - t0 }
    await frame()
  }
  throw new Error('the filter never settled')
})()`

/** Per frame: from the scroll event (captured first) to after a forced style+layout in rAF. */
const SCROLL = `(async () => {
  const el = document.querySelector('.sidebar-scroll')
  const frame = () => new Promise((r) => requestAnimationFrame(r))
  el.scrollTop = 0
  await frame(); await frame()
  let start = 0
  const onScroll = () => { if (start === 0) start = performance.now() }
  document.addEventListener('scroll', onScroll, true)
  const work = [], intervals = []
  let rows = 0
  let last = performance.now()
  const step = Math.max(200, Math.ceil(el.scrollHeight / 600))
  for (let i = 0; i < 700 && el.scrollTop + el.clientHeight < el.scrollHeight - 1; i++) {
    start = 0
    el.scrollTop += step
    await frame()
    el.firstElementChild.getBoundingClientRect(); el.scrollHeight
    const now = performance.now()
    if (start !== 0) work.push(now - start)
    intervals.push(now - last); last = now
    rows = Math.max(rows, document.querySelectorAll('[data-testid=contact]').length)
  }
  document.removeEventListener('scroll', onScroll, true)
  return { work, intervals, rows }
})()`

const IDLE = `(async () => {
  const out = []
  let last = performance.now()
  for (let i = 0; i < 60; i++) { await new Promise((r) => requestAnimationFrame(r)); const now = performance.now(); out.push(now - last); last = now }
  return out
})()`

interface SidebarRun {
  peers: number
  firstRender: number
  fetchReference: number
  filterNarrow: number
  filterClear: number
  scrollWork: number
  scrollInterval: number
  idleInterval: number
  frames: number
  rowsInDom: number
}

async function measure(count: number): Promise<SidebarRun> {
  const pair = await startMemoryPair()
  seedPeers(pair.alice.store, count)
  const browser = await launchChromium()
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 }, locale: 'en-US' })
    await page.addInitScript(WATCH_FIRST_RENDER(count))
    const firstRenders: number[] = []
    const fetches: number[] = []
    const narrow: number[] = []
    const clear: number[] = []
    const deep = `host-${String(count - 3).padStart(5, '0')}`
    for (let i = 0; i < RUNS; i++) {
      await page.goto(i === 0 ? pair.alice.web.url : (page.url().split('#')[0] ?? ''))
      firstRenders.push(await page.evaluate<number>('window.__firstRender'))
      fetches.push(await page.evaluate<number>(FETCH_REFERENCE))
      const one = `document.querySelectorAll('[data-testid=contact]').length === 1 && document.querySelector('[data-testid=contact]').textContent.includes(${JSON.stringify(deep)})`
      narrow.push(await page.evaluate<number>(FILTER(deep, one)))
      clear.push(await page.evaluate<number>(FILTER('', COUNT_IS(count))))
    }
    const idle = await page.evaluate<number[]>(IDLE)
    const scroll = await page.evaluate<{ work: number[]; intervals: number[]; rows: number }>(
      SCROLL,
    )
    return {
      peers: count,
      firstRender: median(firstRenders),
      fetchReference: median(fetches),
      filterNarrow: median(narrow),
      filterClear: median(clear),
      scrollWork: p95(scroll.work),
      scrollInterval: p95(scroll.intervals),
      idleInterval: p95(idle),
      frames: scroll.work.length,
      rowsInDom: scroll.rows,
    }
  } finally {
    await browser.close()
    await pair.close()
  }
}

export async function run(args: string[]): Promise<BenchResult> {
  const given = args.filter((a) => /^\d+$/.test(a)).map(Number)
  const counts = given.length === 0 ? [500, 5000] : given
  if (counts.some((n) => n < 10 || n > 20_000)) throw new Error('the peer count is 10..20000')
  await ensureRendererBuilt({ force: true })
  const runs: SidebarRun[] = []
  for (const count of counts) runs.push(await measure(count))
  const ms = (value: number): number => Number(value.toFixed(1))
  const json: Record<string, number> = {}
  for (const r of runs) {
    json[`sidebar_${r.peers}_first_render_ms`] = ms(r.firstRender)
    json[`sidebar_${r.peers}_peers_fetch_reference_ms`] = ms(r.fetchReference)
    json[`sidebar_${r.peers}_filter_narrow_ms`] = ms(r.filterNarrow)
    json[`sidebar_${r.peers}_filter_clear_ms`] = ms(r.filterClear)
    json[`sidebar_${r.peers}_scroll_frame_ms_p95`] = Number(r.scrollWork.toFixed(2))
    json[`sidebar_${r.peers}_scroll_interval_ms_p95`] = Number(r.scrollInterval.toFixed(2))
    json[`sidebar_${r.peers}_rows_in_dom`] = r.rowsInDom
  }
  return {
    title: `UI: the sidebar with ${counts.map((n) => n.toLocaleString('en-US')).join(' and ')} peers in Chromium (${RUNS} runs each)`,
    columns: ['peers', 'measure', 'median / p95 (ms)', 'reference (ms)', 'target'],
    rows: runs.flatMap((r) => [
      [
        r.peers,
        'first render (navigation → list painted)',
        ms(r.firstRender),
        `${ms(r.fetchReference)} (API fetch of peers alone)`,
        '',
      ],
      [r.peers, 'filter keystroke → one deep peer', ms(r.filterNarrow), '', '< 50'],
      [r.peers, 'filter cleared → all peers', ms(r.filterClear), '', '< 100'],
      [
        r.peers,
        `scroll frame work p95 (${r.frames} frames)`,
        Number(r.scrollWork.toFixed(2)),
        `${Number(r.idleInterval.toFixed(2))} (idle frame interval p95)`,
        '< 16',
      ],
      [r.peers, 'frame interval p95 while scrolling', Number(r.scrollInterval.toFixed(2)), '', ''],
      [r.peers, 'peer rows in the DOM (most while scrolling)', r.rowsInDom, '', ''],
    ]),
    notes: [
      'Frame work = scroll event → React render → forced style+layout, on the main thread. Peers are offline contacts in 40 workgroups (the "contacts" section).',
      'Headless Chromium with --disable-gpu on this machine; Debian chromium, real engine, real SQLite, real local API and web server.',
    ],
    json,
  }
}
