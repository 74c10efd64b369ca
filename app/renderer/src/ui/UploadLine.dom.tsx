// "Preparing photos to send: 3.2 MB of 10 MB": browser mode's upload into the node
// (state/uploads.dom.ts), shown above the composer until the transfers exist.
import { useTranslation } from 'react-i18next'
import { formatBytes } from '../../../../shared/byte-size.js'
import { useUpload } from '../state/uploads.dom.js'

export function UploadLine(props: { conversationId: string }) {
  const { t } = useTranslation()
  const upload = useUpload(props.conversationId)
  if (upload === undefined) return null
  return (
    <div className="upload-line" data-testid="upload" role="status">
      <progress max={Math.max(1, upload.bytesTotal)} value={upload.bytesDone} />
      {t('file.uploading', {
        names: upload.names.join(', '),
        done: formatBytes(upload.bytesDone),
        total: formatBytes(upload.bytesTotal),
      })}
    </div>
  )
}
