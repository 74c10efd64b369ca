// A text longer than one message holds (LIMITS.textBytes, docs/protocol.md §2 "Limits") is not
// sent with a bare error: the composer says how long it is and, in a direct chat, offers to send
// it as a .txt file, which the node writes and offers like any file (sendTextAsFile).
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { formatBytes } from '../../../../shared/byte-size.js'
import { LIMITS } from '../../../api/contract.js'
import { useStore } from './context.dom.js'

const utf8 = new TextEncoder()
/** sendTextAsFile's bound (app/api/methods.ts), in UTF-16 units as the schema counts them */
const FILE_TEXT_MAX = 64 * 1024

export function tooLong(text: string): boolean {
  // a UTF-8 byte is at most one UTF-16 unit: only a long text needs encoding
  return text.length > LIMITS.textBytes / 3 && utf8.encode(text).length > LIMITS.textBytes
}

export function LongText(props: {
  text: string
  /** the conversation, when it is a direct chat (files go to one peer) */
  peer?: string
  onSent: () => void
}) {
  const { t } = useTranslation()
  const store = useStore()
  const [sending, setSending] = useState(false)
  if (!tooLong(props.text)) return null
  const size = formatBytes(utf8.encode(props.text).length)
  const limit = formatBytes(LIMITS.textBytes)
  const asFile = props.peer !== undefined && props.text.length <= FILE_TEXT_MAX
  const peer = props.peer
  return (
    <div className="long-text" role="status" data-testid="long-text">
      <span>{t(asFile ? 'everyday.tooLong' : 'everyday.tooLongNoFiles', { size, limit })}</span>
      {asFile && peer !== undefined && (
        <button
          type="button"
          className="primary"
          disabled={sending}
          onClick={() => {
            setSending(true)
            store.api
              .sendTextAsFile(peer, props.text)
              .then(() => props.onSent())
              .catch((error: unknown) => store.report(error))
              .finally(() => setSending(false))
          }}
          data-testid="send-as-file"
        >
          {t('everyday.sendAsFile')}
        </button>
      )}
    </div>
  )
}
