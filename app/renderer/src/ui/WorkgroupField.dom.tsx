// Settings: the workgroup (department) I am listed under on everyone's LAN list
// (docs/protocol.md §2); saved into my profile, which every path announces.
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { LIMITS } from '../../../api/contract.js'
import { useAppState, useStore } from './context.dom.js'

export function WorkgroupField() {
  const { t } = useTranslation()
  const store = useStore()
  const stored = useAppState((s) => s.me?.workgroup ?? '')
  const [workgroup, setWorkgroup] = useState(stored)
  const [saved, setSaved] = useState(false)
  return (
    <form
      className="field-row"
      onSubmit={(e) => {
        e.preventDefault()
        void store.setProfile({ workgroup: workgroup.trim() }).then((ok) => setSaved(ok))
      }}
    >
      <label className="field">
        <span>{t('identity.workgroup')}</span>
        <input
          value={workgroup}
          maxLength={LIMITS.workgroupChars}
          title={t('identity.workgroupHint')}
          onChange={(e) => {
            setWorkgroup(e.target.value)
            setSaved(false)
          }}
          data-testid="settings-workgroup"
        />
      </label>
      <button type="submit" className="primary" data-testid="settings-save-workgroup">
        {saved ? t('settings.saved') : t('settings.save')}
      </button>
    </form>
  )
}
