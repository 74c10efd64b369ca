// Settings: profile (name, colour, status), relay address and its live state, notifications,
// language (follows the OS unless chosen), theme (follows the OS).
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { LIMITS, PEER_STATUSES } from '../../../api/contract.js'
import type { PeerStatus } from '../../../api/contract.js'
import { languageChoice, type LanguageChoice } from '../i18n/index.dom.js'
import { setLanguagePref, setThemePref } from '../state/prefs.dom.js'
import { THEMES, themeChoice, type ThemeChoice } from './theme.dom.js'
import { notificationsEnabled, setNotificationsEnabled } from './notifications.dom.js'
import { Avatar } from './Avatar.dom.js'
import { Doctor, RelaySettings } from './RelaySettings.dom.js'
import { IpmsgSettings } from './IpmsgSettings.dom.js'
import { FileSettings } from './FileSettings.dom.js'
import { useAppState, useStore } from './context.dom.js'
import { colorCss } from './format.dom.js'
import { WorkgroupField } from './WorkgroupField.dom.js'

const PALETTE = [
  0xe6194b, 0x3cb44b, 0x4363d8, 0xf58231, 0x911eb4, 0x46f0f0, 0xf032e6, 0x008080, 0x9a6324,
  0x800000, 0x808000, 0x000075,
]

export function Settings() {
  const { t } = useTranslation()
  const store = useStore()
  const me = useAppState((s) => s.me)
  const [name, setName] = useState(me?.name ?? '')
  const [saved, setSaved] = useState(false)
  const [language, setLanguage] = useState<LanguageChoice>(languageChoice())
  const [notify, setNotify] = useState(notificationsEnabled())
  const [theme, setTheme] = useState<ThemeChoice>(themeChoice())

  if (me === undefined) return null

  return (
    <main className="settings" data-testid="settings">
      <header className="settings-header">
        <h1>{t('settings.title')}</h1>
        <button
          type="button"
          className="icon-button"
          aria-label={t('settings.close')}
          title={t('settings.close')}
          onClick={() => store.openSettings(false)}
          data-testid="close-settings"
        >
          ✕
        </button>
      </header>

      <section className="card">
        <h2>{t('settings.profile')}</h2>
        <div className="profile-preview">
          <Avatar name={name || me.name} color={me.color} size="large" presence={me.status} />
          <span className="me-name">{name || me.name}</span>
        </div>
        <form
          className="field-row"
          onSubmit={(e) => {
            e.preventDefault()
            void store.setProfile({ name }).then((ok) => setSaved(ok))
          }}
        >
          <label className="field">
            <span>{t('settings.name')}</span>
            <input
              value={name}
              maxLength={LIMITS.nameChars}
              onChange={(e) => {
                setName(e.target.value)
                setSaved(false)
              }}
              data-testid="settings-name"
            />
          </label>
          <button type="submit" className="primary" data-testid="settings-save-name">
            {saved ? t('settings.saved') : t('settings.save')}
          </button>
        </form>
        <WorkgroupField />
        <div className="field">
          <span>{t('settings.color')}</span>
          <div className="swatches" role="radiogroup" aria-label={t('settings.color')}>
            {PALETTE.map((c) => (
              <button
                key={c}
                type="button"
                role="radio"
                aria-checked={c === me.color}
                aria-label={colorCss(c)}
                className={`swatch${c === me.color ? ' swatch-on' : ''}`}
                style={{ backgroundColor: colorCss(c) }}
                onClick={() => void store.setProfile({ color: c })}
              />
            ))}
            <input
              type="color"
              aria-label={t('settings.color')}
              value={colorCss(me.color)}
              onChange={(e) =>
                void store.setProfile({ color: Number.parseInt(e.target.value.slice(1), 16) })
              }
            />
          </div>
        </div>
        <label className="field">
          <span>{t('settings.status')}</span>
          <select
            value={me.status}
            onChange={(e) => void store.setStatus(e.target.value as PeerStatus)}
            data-testid="settings-status"
          >
            {PEER_STATUSES.map((s) => (
              <option key={s} value={s}>
                {t(`me.status.${s}`)}
              </option>
            ))}
          </select>
        </label>
        <div className="field">
          <span>{t('settings.peerId')}</span>
          <code className="peer-id" data-testid="my-peer-id">
            {me.peerId}
          </code>
        </div>
      </section>

      <RelaySettings />
      <Doctor />
      <IpmsgSettings />
      <FileSettings />

      <section className="card">
        <h2>{t('settings.notifications')}</h2>
        <label className="check">
          <input
            type="checkbox"
            checked={notify}
            onChange={(e) => {
              setNotify(e.target.checked)
              void setNotificationsEnabled(e.target.checked).then(setNotify)
              // Electron's main reads it to decide whether to notify natively
              void store.api.setSetting('ui.notifications', e.target.checked).catch(() => undefined)
            }}
            data-testid="notifications"
          />
          <span>{t('settings.notificationsLabel')}</span>
        </label>
      </section>

      <section className="card">
        <h2>{t('settings.language')}</h2>
        <select
          value={language}
          onChange={(e) => {
            const choice = e.target.value as LanguageChoice
            setLanguage(choice)
            // kept in the node: a restarted browser mode has a new origin (state/prefs.dom.ts)
            void setLanguagePref(store.api, choice).catch((error: unknown) => store.report(error))
          }}
          aria-label={t('settings.language')}
          data-testid="language"
        >
          <option value="auto">{t('settings.languageAuto')}</option>
          <option value="en">English</option>
          <option value="zh-CN">简体中文</option>
        </select>
        <h2>{t('settings.theme')}</h2>
        <select
          value={theme}
          onChange={(e) => {
            const choice = e.target.value as ThemeChoice
            setTheme(choice)
            void setThemePref(store.api, choice).catch((error: unknown) => store.report(error))
          }}
          aria-label={t('settings.theme')}
          data-testid="theme"
        >
          {THEMES.map((choice) => (
            <option key={choice} value={choice}>
              {t(`everyday.theme.${choice}`)}
            </option>
          ))}
        </select>
      </section>
    </main>
  )
}
