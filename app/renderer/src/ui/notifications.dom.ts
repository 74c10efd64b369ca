// Notifications preference. In Electron the main process shows native notifications (it reads
// the same preference through the bridge); in a browser we use the Notification API while the
// tab is hidden, after the user turned it on — the first click on the box is when the browser
// asks for permission, and a refusal leaves the box off.
import type { MessageView } from '../../../api/contract.js'

const KEY = 'pigeon.notifications'

function inBrowser(): boolean {
  return window.pigeon === undefined && typeof Notification !== 'undefined'
}

/** Electron: on unless turned off. A browser: on only once chosen and allowed by the browser,
 * so the box never shows on while the browser would show nothing. */
export function notificationsEnabled(): boolean {
  const stored = localStorage.getItem(KEY)
  if (!inBrowser()) return stored !== 'off'
  return stored === 'on' && Notification.permission === 'granted'
}

/** The node's stored choice (state/prefs.dom.ts): remembered here, no permission asked. */
export function adoptNotificationsSetting(on: boolean): void {
  localStorage.setItem(KEY, on ? 'on' : 'off')
}

/**
 * Turns notifications on or off; in a browser, turning them on asks for the permission first
 * (browsers let a page ask only from a click, which this is). Resolves with the state now: off
 * when the browser said no.
 */
export async function setNotificationsEnabled(on: boolean): Promise<boolean> {
  let allowed = on
  // in Electron the main process notifies natively; the page itself has no permissions
  if (on && inBrowser() && Notification.permission !== 'granted') {
    const answer =
      Notification.permission === 'default'
        ? await Notification.requestPermission().catch(() => 'denied' as const)
        : Notification.permission
    allowed = answer === 'granted'
  }
  localStorage.setItem(KEY, allowed ? 'on' : 'off')
  return allowed
}

export function notifyInBrowser(
  message: MessageView,
  title: string,
  open: () => void,
  /** silent: I am Busy (shared/notify.ts) */
  options: { silent?: boolean } = {},
): void {
  if (!notificationsEnabled() || document.visibilityState === 'visible') return
  if (typeof Notification === 'undefined' || Notification.permission !== 'granted') return
  const notification = new Notification(title, {
    body: (message.text ?? '').slice(0, 200),
    tag: message.conversation,
    silent: options.silent === true,
  })
  notification.onclick = () => {
    window.focus()
    open()
    notification.close()
  }
}
