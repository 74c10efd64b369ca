// Prometheus metrics of one relay process (served at GET /metrics). Own registry, so two relays
// in one process (tests) never share counters.
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client'

export interface RelayMetrics {
  registry: Registry
  connectedClients: Gauge
  messagesIn: Counter
  messagesOut: Counter
  queuedOffline: Gauge
  queueDropped: Counter<'reason'>
  authRefusals: Counter<'reason'>
  aclRefusals: Counter<'reason'>
  blobsStored: Gauge
  blobBytesStored: Gauge
  blobRefusals: Counter<'reason'>
}

export function createMetrics(): RelayMetrics {
  const registry = new Registry()
  // process_resident_memory_bytes, nodejs_heap_size_used_bytes, process_cpu_seconds_total, …
  collectDefaultMetrics({ register: registry })
  return {
    registry,
    connectedClients: new Gauge({
      name: 'pigeon_relay_connected_clients',
      help: 'Authenticated MQTT clients connected to this node',
      registers: [registry],
    }),
    messagesIn: new Counter({
      name: 'pigeon_relay_messages_in_total',
      help: 'PUBLISH packets accepted from clients',
      registers: [registry],
    }),
    messagesOut: new Counter({
      name: 'pigeon_relay_messages_out_total',
      help: 'PUBLISH packets delivered to clients (live and from queues)',
      registers: [registry],
    }),
    queuedOffline: new Gauge({
      name: 'pigeon_relay_queued_messages',
      help: 'Messages stored for inboxes and group members, not yet acknowledged (this node’s view)',
      registers: [registry],
    }),
    queueDropped: new Counter({
      name: 'pigeon_relay_queue_dropped_total',
      help: 'Messages not queued or removed from a queue',
      labelNames: ['reason'],
      registers: [registry],
    }),
    authRefusals: new Counter({
      name: 'pigeon_relay_auth_refusals_total',
      help: 'CONNECTs refused',
      labelNames: ['reason'],
      registers: [registry],
    }),
    aclRefusals: new Counter({
      name: 'pigeon_relay_acl_refusals_total',
      help: 'SUBSCRIBE or PUBLISH refused by the ACL or limits',
      labelNames: ['reason'],
      registers: [registry],
    }),
    // the blob store (relay/blobs.ts): recounted from the blob directory at every sweep
    blobsStored: new Gauge({
      name: 'pigeon_relay_blobs',
      help: 'File blobs held (complete or being uploaded)',
      registers: [registry],
    }),
    blobBytesStored: new Gauge({
      name: 'pigeon_relay_blob_bytes',
      help: 'Bytes of file blobs stored on disk',
      registers: [registry],
    }),
    blobRefusals: new Counter({
      name: 'pigeon_relay_blob_refusals_total',
      help: 'Blob requests refused: quota, too_large, forbidden, unauthorized, …',
      labelNames: ['reason'],
      registers: [registry],
    }),
  }
}
