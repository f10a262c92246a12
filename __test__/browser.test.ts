// The browser fallback through the addon: a client-rendered shell whose contacts exist only
// after its script runs is rendered by Chromium in `auto` mode and found; in `never` it is not.
// Like the Rust browser tests, it skips with a message when no Chromium is installed, except
// in CI, where it must run (scripts/test installs Chromium).
import { afterAll, expect, test } from 'bun:test'
import { statSync } from 'node:fs'
import { delimiter, join } from 'node:path'

import { bakeryRoutes, local, native, serve } from './helpers'

/** Whether a browser can be found the way the addon's pool looks for one. */
function chromiumPresent(): boolean {
  const isFile = (p: string) => {
    try {
      return statSync(p).isFile()
    } catch {
      return false
    }
  }
  const dirs = (process.env.PATH ?? '').split(delimiter).filter(Boolean)
  return (
    (process.env.CHROME_PATH !== undefined && isFile(process.env.CHROME_PATH)) ||
    isFile('/usr/lib/chromium/chromium') ||
    ['chromium', 'chromium-browser', 'google-chrome'].some((name) => dirs.some((d) => isFile(join(d, name))))
  )
}

const present = chromiumPresent()
const skip = !present && !process.env.CI
if (skip) console.warn('skipping browser test: no Chromium found (set CHROME_PATH or run scripts/install-chromium)')

const SHELL = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Northwind Dental</title></head>
<body><div id="root"></div><noscript>You need to enable JavaScript to run this app.</noscript>
<script src="/app.js"></script></body></html>`

const APP = `document.getElementById('root').innerHTML =
  '<h1>Northwind Dental</h1><p>Book a visit: <a href="mailto:frontdesk@northwind-dental.com">frontdesk@northwind-dental.com</a> ' +
  'or call <a href="tel:+15035550188">(503) 555-0188</a>.</p>';`

let scriptLoads = 0
const spa = serve({
  '/': () => new Response(SHELL, { headers: { 'content-type': 'text/html; charset=utf-8' } }),
  '/app.js': () => {
    scriptLoads++
    return new Response(APP, { headers: { 'content-type': 'application/javascript' } })
  },
})
const bakery = serve(bakeryRoutes)
afterAll(() => {
  spa.server.stop(true)
  bakery.server.stop(true)
})

// One option set for every rendering audit, so the addon builds one auditor and one browser.
const auto = { ...local, browser: 'auto', maxPages: 0 } as const

test.skipIf(skip)('in never mode the shell is analysed as fetched: no contacts, no browser', async () => {
  const r = await native.auditLead(spa.url, { ...local, browser: 'never', maxPages: 0 })
  expect(r.reachable).toBe(true)
  expect(r.renderedWithBrowser).toBe(false)
  expect(r.emails).toEqual([])
  expect(r.phones).toEqual([])
  expect(r.pages.map((p) => p.via)).toEqual(['http'])
  expect(scriptLoads).toBe(0)
})

test.skipIf(skip)(
  'in auto mode the shell is rendered and its contacts are found; a static page is not rendered',
  async () => {
    if (!present) throw new Error('CI is set but no Chromium was found: run scripts/install-chromium')
    const r = await native.auditLead(spa.url, auto)
    expect(r.error).toBeNull()
    expect(r.renderedWithBrowser).toBe(true)
    expect(r.pages[0].via).toBe('browser')
    expect(r.emails).toEqual(['frontdesk@northwind-dental.com'])
    expect(r.phones).toEqual(['+15035550188'])
    expect(scriptLoads).toBeGreaterThan(0)

    // Same options, same browser: a page with its contacts in the HTML needs no rendering.
    const plain = await native.auditLead(bakery.url, auto)
    expect(plain.renderedWithBrowser).toBe(false)
    expect(plain.pages.every((p) => p.via === 'http')).toBe(true)
    expect(plain.emails).toContain('hello@harborbakery.com')
  },
  90_000,
)
