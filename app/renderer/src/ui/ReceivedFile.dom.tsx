// What a file bubble offers once the file is here. In browser mode: a download link (a folder as
// one .tar) and, for an image, the image inline — both links made by the node (app/api/file-links.ts), served from
// the page's own origin so the CSP stays `img-src 'self'`. In Electron: open it, or show it in its
// folder (window.pigeonFiles; the main process opens only paths inside the download dir).
import { useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'
import type { TransferView } from '../../../api/contract.js'
import { browserToken } from '../api/connect.dom.js'
import { fileLink } from '../api/upload.dom.js'
import { looksLikeImage } from './transfer-format.dom.js'

export function ReceivedFile(props: { transfer: TransferView }) {
  const { t } = useTranslation()
  const { transfer } = props
  const [link, setLink] = useState<string | undefined>(undefined)
  const received = transfer.direction === 'in' && transfer.state === 'done'
  // a folder's link downloads it as one .tar (app/api/folder-tar.ts)
  const browser = received && browserToken() !== undefined
  useEffect(() => {
    if (!browser) return
    let live = true
    fileLink(transfer.id).then(
      (url) => live && setLink(url),
      () => live && setLink(undefined),
    )
    return () => {
      live = false
    }
  }, [browser, transfer.id])
  const bridge = received ? window.pigeonFiles : undefined
  if (received && bridge?.open !== undefined && transfer.path !== null) {
    const path = transfer.path
    return (
      <div className="file-actions">
        <button type="button" data-testid="file-open" onClick={() => void bridge.open?.(path)}>
          {t('file.open')}
        </button>
        <button type="button" data-testid="file-show" onClick={() => void bridge.show?.(path)}>
          {t('file.showInFolder')}
        </button>
      </div>
    )
  }
  if (link === undefined) return null
  return (
    <div className="file-received">
      {looksLikeImage(transfer.name) && (
        <img
          className="file-thumbnail"
          src={`${link}?inline=1`}
          alt={transfer.name}
          loading="lazy"
          onError={(e) => (e.currentTarget.hidden = true)}
          data-testid="file-thumbnail"
        />
      )}
      {/* the node's Content-Disposition names it: name, or name.tar for a folder */}
      <a href={link} download="" data-testid="file-download">
        {t('file.download')}
      </a>
    </div>
  )
}
