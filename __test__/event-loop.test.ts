// The JS thread stays free while the addon fetches and parses a 5 MB page: a timer keeps
// ticking, and its largest delay is a small part of the audit's duration.
import { afterAll, expect, test } from 'bun:test'

import { local, native, serve } from './helpers'

// About 5 MB of ordinary markup, contacts at both ends.
function bigPage(): string {
  const row = (i: number) =>
    `<div class="item"><h3>Product ${i}</h3><p>Hand-made oak shelf, 80 cm, finished with natural oil. <a href="/p/${i}">Details</a></p></div>\n`
  const parts = ['<!doctype html><html><head><title>Catalogue</title></head><body>']
  parts.push('<a href="mailto:sales@bigcatalogue.com">sales@bigcatalogue.com</a>')
  let size = 0
  for (let i = 0; size < 5_000_000; i++) {
    const r = row(i)
    parts.push(r)
    size += r.length
  }
  parts.push('<footer><a href="tel:+14155550199">call</a></footer></body></html>')
  return parts.join('')
}

const body = bigPage()
const site = serve({
  '/': () => new Response(body, { headers: { 'content-type': 'text/html' } }),
})
afterAll(() => void site.server.stop(true))

test('a timer keeps ticking while a 5 MB page is audited', async () => {
  expect(body.length).toBeGreaterThan(4_900_000)
  let last = performance.now()
  let maxGap = 0
  let ticks = 0
  const timer = setInterval(() => {
    const now = performance.now()
    maxGap = Math.max(maxGap, now - last)
    last = now
    ticks++
  }, 5)
  const started = performance.now()
  const r = await native.auditLead(site.url, { ...local, maxPages: 0, timeout: 120, requestTimeout: 120 })
  const duration = performance.now() - started
  clearInterval(timer)
  console.log(`5 MB audit: ${duration.toFixed(0)} ms, ${ticks} timer ticks, largest timer delay ${maxGap.toFixed(1)} ms`)
  expect(r.reachable).toBe(true)
  expect(r.pages[0].bytes).toBe(body.length)
  expect(r.emails).toContain('sales@bigcatalogue.com')
  expect(ticks).toBeGreaterThan(3)
  expect(maxGap).toBeLessThan(duration / 2)
}, 180_000)
