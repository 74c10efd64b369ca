// The table and the JSON of `npm run bench -- files` (test/bench/files.ts), from its timings.
import { LIMITS } from '../../shared/limits.js'
import type { BenchResult } from './table.js'

const MiB = 1024 * 1024

export interface FilesMeasured {
  size: number
  folderFiles: number
  relayMib: number
  /** wall time of each transfer in the same run */
  ms: {
    raw: number
    p2p: number
    pigeon: number
    noiseJs: number
    offer: number
    folder: number
    tar: number
    folderOffer: number
  }
  rss: { sender: Record<string, unknown>; receiver: Record<string, unknown> }
  /** data channels the sender accepted during the Pigeon transfer (1: it ran on one) */
  channels: number
  resentChunks: number
  relayMiBs: number
}

function round(value: number): number {
  return Math.round(value * 100) / 100
}

export function filesReport(m: FilesMeasured): BenchResult {
  const mibPerS = (ms: number): number => round(m.size / MiB / (ms / 1000))
  const ratio = (ms: number): number => round(m.ms.raw / ms)
  const growth = (rss: Record<string, unknown>): number =>
    round(Number(rss.peakMiB) - Number(rss.baseMiB))
  const json = {
    file_mib: m.size / MiB,
    raw_tcp_mib_s: mibPerS(m.ms.raw),
    libp2p_stream_mib_s: mibPerS(m.ms.p2p),
    file_mib_s: mibPerS(m.ms.pigeon),
    file_ratio_raw: ratio(m.ms.pigeon),
    libp2p_ratio_raw: ratio(m.ms.p2p),
    // Electron's cipher on the path Pigeon takes there: the data channel's AES-256-GCM
    // (BoringSSL has it, hardware-accelerated) — the same code and cipher as file_mib_s
    electron_cipher_mib_s: mibPerS(m.ms.pigeon),
    // for comparison: Pigeon kept on libp2p in Electron, Noise with its pure-JS ChaCha20-Poly1305
    electron_noise_js_mib_s: mibPerS(m.ms.noiseJs),
    rss_growth_mib: Math.max(growth(m.rss.sender), growth(m.rss.receiver)),
    sender_rss_growth_mib: growth(m.rss.sender),
    receiver_rss_growth_mib: growth(m.rss.receiver),
    resume_resent_chunks: round(m.resentChunks),
    offer_hash_mib_s: mibPerS(m.ms.offer),
    folder_s: round(m.ms.folder / 1000),
    tar_raw_s: round(m.ms.tar / 1000),
    folder_ratio_tar: round(m.ms.folder / m.ms.tar),
    folder_offer_s: round(m.ms.folderOffer / 1000),
    relay_mib_s: round(m.relayMiBs),
    relay_mib: m.relayMib,
    data_channels: m.channels,
  }
  return {
    title: `Files: one ${m.size / MiB} MiB file between two network namespaces (veth + bridge), disk to disk`,
    columns: ['path', 'MiB/s', 'ratio to raw TCP', 'target'],
    rows: [
      ['raw TCP (reference)', json.raw_tcp_mib_s, '1.00', ''],
      [
        'bare libp2p stream (TCP + Noise + yamux, Node ChaCha20-Poly1305)',
        json.libp2p_stream_mib_s,
        json.libp2p_ratio_raw.toFixed(2),
        '',
      ],
      [
        'Pigeon: data channel, AES-256-GCM (§13) — also the Electron cipher',
        json.file_mib_s,
        json.file_ratio_raw.toFixed(2),
        '≥ 0.50; > 111.6 MiB/s (117 MB/s)',
      ],
      [
        'Pigeon on the libp2p stream, Noise pure-JS ChaCha20 (Electron without the data channel)',
        json.electron_noise_js_mib_s,
        ratio(m.ms.noiseJs).toFixed(2),
        '',
      ],
      ['sender RSS growth (MiB)', json.sender_rss_growth_mib, '', '< 64'],
      ['receiver RSS growth (MiB)', json.receiver_rss_growth_mib, '', '< 64'],
      ['chunks re-sent after kill -9 at 50%', json.resume_resent_chunks, '', '≤ 2'],
      ['offer: hashing the file (MiB/s)', json.offer_hash_mib_s, '', ''],
      [`relay path, ${m.relayMib} MiB (upload, then download)`, json.relay_mib_s, '', ''],
    ],
    notes: [
      `Folder of ${m.folderFiles.toLocaleString('en-US')} files of 4 KiB in 100 directories: Pigeon ${json.folder_s} s (offer, hashing them: ${json.folder_offer_s} s more), tar c | raw TCP | tar x ${json.tar_raw_s} s — ratio ${json.folder_ratio_tar.toFixed(2)} (target ≤ 3).`,
      `Chunks of ${LIMITS.fileChunkBytes / MiB} MiB, receiver credit ${LIMITS.fileCreditChunks} chunks. Each path reads the same file (in the page cache) and writes a new one; raw TCP has no encryption, no framing and no hashing. The Pigeon transfer ran on ${m.channels} data channel(s).`,
      "Electron's BoringSSL has no ChaCha20-Poly1305 (electron#24024), so Noise falls back to a JS cipher there; the data channel's AES-256-GCM is native in both Node and Electron, so the Pigeon row is Electron's figure too (electron_cipher_mib_s), and the Noise-JS row is what staying on libp2p would cost.",
    ],
    json,
  }
}
