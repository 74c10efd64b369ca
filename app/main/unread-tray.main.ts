// The tray icon with the unread count, and the dock/taskbar badge: the icon drawn by
// tray-icon.main.ts, its menu (show, quit), and the count redrawn when a conversation changes.
import { app, Menu, nativeImage, Tray } from 'electron'
import type { LocalApi } from '../api/local.js'
import { trayBitmap } from './tray-icon.main.js'

export async function updateUnread(api: LocalApi, tray: Tray | undefined): Promise<void> {
  const total = (await api.conversations()).reduce((sum, c) => sum + c.unread, 0)
  app.setBadgeCount(total)
  if (tray === undefined) return
  tray.setImage(nativeImage.createFromBitmap(trayBitmap(32, total > 0), { width: 32, height: 32 }))
  tray.setToolTip(total > 0 ? `Pigeon — ${total} unread` : 'Pigeon')
}

export function createTray(api: LocalApi, showWindow: () => void): Tray {
  const tray = new Tray(
    nativeImage.createFromBitmap(trayBitmap(32, false), { width: 32, height: 32 }),
  )
  tray.setToolTip('Pigeon')
  tray.setContextMenu(
    Menu.buildFromTemplate([
      { label: 'Show Pigeon', click: showWindow },
      { type: 'separator' },
      { label: 'Quit', role: 'quit' },
    ]),
  )
  tray.on('click', showWindow)
  void updateUnread(api, tray)
  return tray
}
