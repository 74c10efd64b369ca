// Notifications preference. In Electron the main process shows native notifications (it reads
// the same preference through the bridge); in a browser we use the Notification API while the
// tab is hidden, after the user turned it on (which is when the browser asks for permission).
import type { MessageView } from '../../../api/contract.js'

const KEY = 'pigeon.notifications'

export function notificationsEnabled(): boolean {
  return localStorage.getItem(KEY) !== 'off'
}

/** The node's stored choice (state/prefs.dom.ts): remembered here, no permission asked. */
export function adoptNotificationsSetting(on: boolean): void {
  localStorage.setItem(KEY, on ? 'on' : 'off')
}

export async function setNotificationsEnabled(on: boolean): Promise<void> {
  localStorage.setItem(KEY, on ? 'on' : 'off')
  // in Electron the main process notifies natively; the page itself has no permissions
  if (
    on &&
    window.pigeon === undefined &&
    typeof Notification !== 'undefined' &&
    Notification.permission === 'default'
  ) {
    await Notification.requestPermission().catch(() => 'denied')
  }
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
