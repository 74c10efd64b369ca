// Files and folders over the LAN (docs/protocol.md §10–§11).
export {
  createFileService,
  FileService,
  type FileServiceInit,
  type ReceiveRequest,
} from './file-service.js'
export { FILE_PROTOCOL, type FileCloseOutcome } from './file-frames.js'
export type { ReceiveProgress, ReceiveResult } from './file-receiver.js'
export type { PreparedOffer } from './prepare-offer.js'
