// Finds the running node of a data dir (Node callers: the CLI, tests): api.json has its URL and
// token. A missing file, or a node that does not answer, is one clear NODE_NOT_RUNNING error.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { WebSocket } from 'ws'
import { PigeonError } from '../../shared/errors.js'
import { ApiClient, type WebSocketLike } from './client.js'
import { API_ENDPOINT_FILE, type ApiEndpoint } from './contract.js'

export function readEndpoint(dataDir: string): ApiEndpoint | undefined {
  try {
    const endpoint = JSON.parse(
      readFileSync(join(dataDir, API_ENDPOINT_FILE), 'utf8'),
    ) as ApiEndpoint
    return typeof endpoint.url === 'string' && typeof endpoint.token === 'string'
      ? endpoint
      : undefined
  } catch {
    return undefined
  }
}

function notRunning(dataDir: string): PigeonError {
  return new PigeonError(
    'NODE_NOT_RUNNING',
    `No Pigeon node is running for ${dataDir}; start one with \`pigeon start --data ${dataDir}\`.`,
  )
}

/** A client for the node of `dataDir`; checks that it answers. */
export async function connectToDataDir(dataDir: string): Promise<ApiClient> {
  const endpoint = readEndpoint(dataDir)
  if (endpoint === undefined) throw notRunning(dataDir)
  const client = new ApiClient({
    url: endpoint.url,
    token: endpoint.token,
    webSocket: (url, protocols) => new WebSocket(url, protocols) as unknown as WebSocketLike,
  })
  try {
    await client.me()
  } catch (error) {
    // a stale api.json (the node was killed): same answer as no file at all
    if (
      error instanceof PigeonError &&
      (error.code === 'NODE_NOT_RUNNING' || error.code === 'API_UNAUTHORIZED')
    ) {
      throw notRunning(dataDir)
    }
    throw error
  }
  return client
}
