// A text longer than one message holds (LIMITS.textBytes, docs/protocol.md §2 "Limits") is not
// sent with a bare error: the composer says how long it is and what to do instead.
import { useTranslation } from 'react-i18next'
import { formatBytes } from '../../../../shared/byte-size.js'
import { LIMITS } from '../../../api/contract.js'

const utf8 = new TextEncoder()

export function tooLong(text: string): boolean {
  // a UTF-8 byte is at most one UTF-16 unit: only a long text needs encoding
  return text.length > LIMITS.textBytes / 3 && utf8.encode(text).length > LIMITS.textBytes
}

export function LongText(props: { text: string }) {
  const { t } = useTranslation()
  if (!tooLong(props.text)) return null
  const size = formatBytes(utf8.encode(props.text).length)
  return (
    <p className="long-text" role="status" data-testid="long-text">
      {t('everyday.tooLongNoFiles', { size, limit: formatBytes(LIMITS.textBytes) })}
    </p>
  )
}
