// i18next set up once: English and 简体中文, following the browser's/OS's language unless the
// user picked one in settings (kept in localStorage, which both Electron and the browser have).
import i18next from 'i18next'
import { initReactI18next } from 'react-i18next'
import { en } from './en.dom.js'
import { zhCN } from './zh-CN.dom.js'

export type LanguageChoice = 'auto' | 'en' | 'zh-CN'
export const LANGUAGES = ['en', 'zh-CN'] as const

const STORAGE_KEY = 'pigeon.language'

export function systemLanguage(): 'en' | 'zh-CN' {
  const preferred = navigator.languages.length > 0 ? navigator.languages : [navigator.language]
  for (const tag of preferred) {
    const lower = tag.toLowerCase()
    if (lower.startsWith('zh')) return 'zh-CN'
    if (lower.startsWith('en')) return 'en'
  }
  return 'en'
}

export function languageChoice(): LanguageChoice {
  const stored = localStorage.getItem(STORAGE_KEY)
  return stored === 'en' || stored === 'zh-CN' ? stored : 'auto'
}

export async function chooseLanguage(choice: LanguageChoice): Promise<void> {
  if (choice === 'auto') localStorage.removeItem(STORAGE_KEY)
  else localStorage.setItem(STORAGE_KEY, choice)
  await i18next.changeLanguage(choice === 'auto' ? systemLanguage() : choice)
}

export async function initI18n(): Promise<void> {
  const choice = languageChoice()
  await i18next.use(initReactI18next).init({
    resources: { en: { translation: en }, 'zh-CN': { translation: zhCN } },
    lng: choice === 'auto' ? systemLanguage() : choice,
    fallbackLng: 'en',
    interpolation: { escapeValue: false }, // React escapes
    returnNull: false,
  })
  document.documentElement.lang = i18next.language
  i18next.on('languageChanged', (lng) => {
    document.documentElement.lang = lng
  })
}
