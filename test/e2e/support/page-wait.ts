// Waits until an expression is true in a page. Runtime.evaluate runs it, as page.evaluate does:
// the UI's CSP (script-src 'self', app/web/csp.ts) forbids the eval that waitForFunction's
// string form needs.
import type { Page } from 'playwright-core'

export async function pageTrue(page: Page, expression: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while ((await page.evaluate(expression)) !== true) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${expression}`)
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}
