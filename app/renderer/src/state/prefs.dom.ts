// The UI's preferences live in the node (MessengerApi getSetting/setSetting), not in the page's
// storage: browser mode's origin changes with its port, and its localStorage with it. The page
// keeps a copy only for its first paint; the node's value wins once it has answered.
import type { MessengerApi } from '../../../api/contract.js'
import { chooseLanguage, type LanguageChoice } from '../i18n/index.dom.js'
import { adoptNotificationsSetting } from '../ui/notifications.dom.js'
import { applyTheme, isThemeChoice, type ThemeChoice } from '../ui/theme.dom.js'

export const PREF_KEYS = {
  language: 'ui.language',
  theme: 'ui.theme',
  /** Electron's main reads it too, before it shows a native notification */
  notifications: 'ui.notifications',
} as const

const isLanguage = (v: unknown): v is LanguageChoice => v === 'auto' || v === 'en' || v === 'zh-CN'

/** Applies what the node has stored; a value it never stored leaves the page's own. */
export async function loadPrefs(api: MessengerApi): Promise<void> {
  const [language, theme, notifications] = await Promise.all([
    api.getSetting(PREF_KEYS.language),
    api.getSetting(PREF_KEYS.theme),
    api.getSetting(PREF_KEYS.notifications),
  ])
  if (isLanguage(language)) await chooseLanguage(language)
  if (isThemeChoice(theme)) applyTheme(theme)
  if (typeof notifications === 'boolean') adoptNotificationsSetting(notifications)
}

export async function setLanguagePref(api: MessengerApi, choice: LanguageChoice): Promise<void> {
  await chooseLanguage(choice)
  await api.setSetting(PREF_KEYS.language, choice)
}

export async function setThemePref(api: MessengerApi, choice: ThemeChoice): Promise<void> {
  applyTheme(choice)
  await api.setSetting(PREF_KEYS.theme, choice)
}
