// Full-text search results (Chinese included: the node's store does trigram FTS + LIKE), with the
// match highlighted; a click opens that conversation.
import { useTranslation } from 'react-i18next'
import type { MessageView } from '../../../api/contract.js'
import type { SearchState } from '../state/app-store.dom.js'
import { useAppState, useStore } from './context.dom.js'
import { peerName, whenLabel } from './format.dom.js'

function Highlight(props: { text: string; query: string }) {
  const index = props.text.toLowerCase().indexOf(props.query.toLowerCase())
  if (index < 0) return <>{props.text}</>
  const start = Math.max(0, index - 40)
  return (
    <>
      {start > 0 ? '…' : ''}
      {props.text.slice(start, index)}
      <mark>{props.text.slice(index, index + props.query.length)}</mark>
      {props.text.slice(index + props.query.length)}
    </>
  )
}

export function SearchResults(props: { search: SearchState; onClear: () => void }) {
  const { t, i18n } = useTranslation()
  const store = useStore()
  const peers = useAppState((s) => s.peers)
  const me = useAppState((s) => s.me)
  const groups = useAppState((s) => s.groups)
  const who = (m: MessageView): string =>
    m.direction === 'out' ? t('search.you') : peerName(peers.get(m.from), m.from)
  // in a group, a message goes to the group whichever side wrote it
  const to = (m: MessageView): string =>
    groups.get(m.conversation)?.name ??
    (m.direction === 'out' ? peerName(peers.get(m.conversation), m.conversation) : (me?.name ?? ''))
  return (
    <section className="section" data-testid="search-results">
      <h2 className="section-title">
        {props.search.loading ? '…' : t('search.results', { count: props.search.results.length })}
        <button type="button" className="link-button" onClick={props.onClear}>
          {t('search.clear')}
        </button>
      </h2>
      {!props.search.loading && props.search.results.length === 0 && (
        <p className="teach">{t('search.none', { query: props.search.query })}</p>
      )}
      <ul className="rows">
        {props.search.results.map((m) => (
          <li key={m.id}>
            <button
              type="button"
              className="row result"
              onClick={() => store.select(m.conversation, m.id)}
              data-testid="search-result"
            >
              <span className="row-text">
                <span className="row-name">
                  {who(m)} → {to(m)}
                  <span className="row-time">{whenLabel(m.sentAt, i18n.language)}</span>
                </span>
                <span className="row-detail result-text">
                  <Highlight text={m.text ?? ''} query={props.search.query} />
                </span>
              </span>
            </button>
          </li>
        ))}
      </ul>
    </section>
  )
}
