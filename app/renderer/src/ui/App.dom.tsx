// The window: sidebar on the left; on the right a conversation, settings, or a screen that says
// what to do next. Errors appear in words in a banner — never a stack trace.
import { useEffect } from 'react'
import { useTranslation } from 'react-i18next'
import type { Problem } from '../state/app-store.dom.js'
import { Conversation } from './Conversation.dom.js'
import { FirstRun } from './FirstRun.dom.js'
import { Logo } from './Logo.dom.js'
import { useAppState, useStore } from './context.dom.js'
import { Settings } from './Settings.dom.js'
import { Sidebar } from './Sidebar.dom.js'
import { TransfersPanel } from './TransfersPanel.dom.js'

export function problemText(
  problem: Problem,
  t: (key: string, options?: Record<string, unknown>) => string,
): string {
  switch (problem.code) {
    case 'API_UNAUTHORIZED':
      return t('errors.unauthorized')
    case 'MESSAGE_TOO_LONG':
      return t('errors.tooLong')
    case 'LINK_DOWN':
    case 'NODE_NOT_RUNNING':
      return t('errors.offline')
    default:
      return problem.code.startsWith('RELAY_')
        ? t('errors.relay', { message: problem.message })
        : t('errors.generic', { message: problem.message })
  }
}

function Banner() {
  const { t } = useTranslation()
  const store = useStore()
  const problem = useAppState((s) => s.problem)
  const linkUp = useAppState((s) => s.linkUp)
  const linkProblem = useAppState((s) => s.linkProblem)
  if (!linkUp) {
    return (
      <div
        className="banner banner-warn"
        role="status"
        data-testid="banner"
        data-code={linkProblem ?? 'LINK_DOWN'}
      >
        {linkProblem === 'API_UNAUTHORIZED' ? t('errors.unauthorized') : t('errors.offline')}
      </div>
    )
  }
  if (problem === undefined) return null
  return (
    <div className="banner banner-error" role="alert" data-testid="banner" data-code={problem.code}>
      <span>{problemText(problem, t)}</span>
      <button type="button" className="link-button" onClick={() => store.dismissProblem()}>
        {t('errors.dismiss')}
      </button>
    </div>
  )
}

export function App() {
  const { t } = useTranslation()
  const store = useStore()
  const ready = useAppState((s) => s.ready)
  const fatal = useAppState((s) => s.fatal)
  const selected = useAppState((s) => s.selected)
  const settingsOpen = useAppState((s) => s.settingsOpen)

  // Escape leaves Settings; Ctrl/⌘+F goes to the message search
  useEffect(() => {
    const onKey = (e: KeyboardEvent): void => {
      if (e.key === 'Escape' && store.getState().settingsOpen) store.openSettings(false)
      if (e.key === 'f' && (e.ctrlKey || e.metaKey)) {
        const search = document.querySelector<HTMLInputElement>('[data-testid=search]')
        if (search !== null) {
          e.preventDefault()
          search.focus()
        }
      }
    }
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  }, [store])

  useEffect(() => {
    const onVisible = (): void => store.visible()
    document.addEventListener('visibilitychange', onVisible)
    window.addEventListener('focus', onVisible)
    return () => {
      document.removeEventListener('visibilitychange', onVisible)
      window.removeEventListener('focus', onVisible)
    }
  }, [store])

  const unread = useAppState((s) => s.conversations)
  useEffect(() => {
    let total = 0
    for (const c of unread.values()) total += c.unread
    document.title = total > 0 ? `(${total}) ${t('app.title')}` : t('app.title')
  }, [t, unread])

  if (fatal !== undefined) {
    return (
      <div className="splash" data-testid="fatal">
        <Logo />
        <p>{problemText(fatal, t)}</p>
      </div>
    )
  }
  if (!ready) {
    return (
      <div className="splash" data-testid="loading">
        <Logo />
        <p>{t('app.loading')}</p>
      </div>
    )
  }
  return (
    <div className="app">
      <Sidebar />
      <FirstRun />
      <div className="main">
        <Banner />
        <TransfersPanel />
        {settingsOpen ? (
          <Settings />
        ) : selected !== undefined ? (
          <Conversation key={selected} id={selected} />
        ) : (
          <main className="pick" data-testid="pick">
            <Logo />
            <p>{t('conversation.pick')}</p>
            <p className="hint">{t('conversation.pickHint')}</p>
          </main>
        )}
      </div>
    </div>
  )
}
