// Light, dark, or the system's choice (prefers-color-scheme). The colours are CSS variables
// written once with light-dark() in styles/base.css; the choice only sets color-scheme through
// <html data-theme>. Kept in the node (state/prefs.dom.ts) and cached here for the first paint.
export const THEMES = ['system', 'light', 'dark'] as const
export type ThemeChoice = (typeof THEMES)[number]

const CACHE_KEY = 'pigeon.theme'

export function isThemeChoice(value: unknown): value is ThemeChoice {
  return (THEMES as readonly unknown[]).includes(value)
}

export function themeChoice(): ThemeChoice {
  const cached = localStorage.getItem(CACHE_KEY)
  return isThemeChoice(cached) ? cached : 'system'
}

export function applyTheme(choice: ThemeChoice): void {
  localStorage.setItem(CACHE_KEY, choice)
  if (choice === 'system') delete document.documentElement.dataset.theme
  else document.documentElement.dataset.theme = choice
}
