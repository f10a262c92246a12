// auditLead against fixture sites on 127.0.0.1: what a found site, an unreachable one and a
// malformed URL resolve with.
import { afterAll, describe, expect, test } from 'bun:test'

import { bakeryRoutes, local, native, serve } from './helpers'

const site = serve(bakeryRoutes)
const broken = serve({
  '/': () => new Response('gone', { status: 410 }),
})
const pdf = serve({
  '/': () => new Response('%PDF-1.4', { headers: { 'content-type': 'application/pdf' } }),
})
afterAll(() => {
  site.server.stop(true)
  broken.server.stop(true)
  pdf.server.stop(true)
})

describe('auditLead on a reachable site', () => {
  test('finds contacts, technologies and crawls the contact page', async () => {
    const r = await native.auditLead({ website: site.url, leadId: 'lead-1', companyName: 'Harbor Street Bakery' }, local)
    expect(r.reachable).toBe(true)
    expect(r.error).toBeNull()
    expect(r.leadId).toBe('lead-1')
    expect(r.httpStatus).toBe(200)
    expect(r.finalUrl).toBe(`${site.url}/`)
    expect(r.emails).toContain('hello@harborbakery.com')
    expect(r.emails).toContain('orders@harborbakery.com')
    expect(r.phones).toEqual(['+15035550142'])
    expect(r.socials.facebook).toContain('facebook.com/harborstreetbakery')
    expect(r.socials.instagram).toContain('instagram.com/harborstreetbakery')
    expect(r.faxes).toEqual([])
    // Each email, phone and social comes with the page and the method that found it.
    const listed = [...r.emails, ...r.phones, ...r.faxes, ...Object.values(r.socials)]
    expect(r.contacts.map((c) => c.value)).toEqual(listed)
    for (const c of r.contacts) {
      expect(c.source.url.startsWith(site.url)).toBe(true)
      expect(['mailto', 'tel', 'text', 'jsonld', 'cfemail', 'obfuscated', 'meta', 'microdata', 'link']).toContain(
        c.source.method,
      )
    }
    const hello = r.contacts.find((c) => c.value === 'hello@harborbakery.com')
    expect(hello?.kind).toBe('email')
    expect(hello?.role).toBe(true)
    expect(r.contacts.find((c) => c.kind === 'social')?.platform).not.toBeNull()
    const names = r.technologies.map((t) => t.name)
    expect(names).toContain('WordPress')
    expect(names).toContain('jQuery')
    const urls = r.pages.map((p) => p.url)
    expect(urls).toContain(`${site.url}/contact`)
    for (const p of r.pages) {
      expect(p.via).toBe('http')
      expect(p.status).toBe(200)
      expect(p.bytes).toBeGreaterThan(0)
    }
    expect(r.renderedWithBrowser).toBe(false)
    expect(r.audit.title).toContain('Harbor Street Bakery')
    expect(r.audit.https).toBe(false)
    expect(r.audit.copyrightYear).toBe(2016)
    expect(r.audit.issues.length).toBeGreaterThan(0)
    expect(['HOT', 'WARM', 'COLD']).toContain(r.score.grade)
    expect(r.score.reasons.length).toBeGreaterThan(0)
    expect(r.skipped).toBeNull()
    expect(r.domain).toBeNull()
    expect(Number.isNaN(Date.parse(r.auditedAt))).toBe(false)
    expect(r.durationMs).toBeGreaterThanOrEqual(0)
  })

  test('takes a bare URL string, and numeric lead ids become strings', async () => {
    const byString = await native.auditLead(site.url, local)
    expect(byString.reachable).toBe(true)
    expect(byString.leadId).toBeNull()
    const byId = await native.auditLead({ id: 42, url: site.url }, local)
    expect(byId.leadId).toBe('42')
    expect(byId.url).toBe(`${site.url}/`)
  })

  test('the result is plain JSON: it survives a round trip unchanged', async () => {
    const r = await native.auditLead(site.url, { ...local, maxPages: 0 })
    expect(JSON.parse(JSON.stringify(r))).toEqual(r)
    expect(r.pages).toHaveLength(1)
  })
})

describe('auditLead resolves with an error kind for sites it cannot audit', () => {
  test('connection refused', async () => {
    const closed = serve({})
    const url = closed.url
    closed.server.stop(true)
    const r = await native.auditLead(url, local)
    expect(r.reachable).toBe(false)
    expect(r.error?.kind).toBe('connect')
    expect(r.score.grade).toBe('COLD')
  })

  test('an unparseable URL', async () => {
    const r = await native.auditLead({ website: 'http://exa mple .com/<>' }, local)
    expect(r.reachable).toBe(false)
    expect(r.error?.kind).toBe('invalid_url')
    expect(r.error?.message.length).toBeGreaterThan(0)
  })

  test('an error status on the home page', async () => {
    const r = await native.auditLead(broken.url, local)
    expect(r.error?.kind).toBe('http_status')
    expect(r.httpStatus).toBe(410)
  })

  test('a home page that is not HTML', async () => {
    const r = await native.auditLead(pdf.url, local)
    expect(r.error?.kind).toBe('not_html')
  })

  test('loopback is blocked unless allowPrivateNetworks is set', async () => {
    const r = await native.auditLead(site.url, { ...local, allowPrivateNetworks: false })
    expect(r.reachable).toBe(false)
    expect(r.error?.kind).toBe('blocked')
  })

  test('a lead with neither website nor contact data is skipped', async () => {
    const r = await native.auditLead({ companyName: 'Nobody Ltd' }, local)
    expect(r.skipped).not.toBeNull()
    expect(r.score.grade).toBe('COLD')
  })
})
