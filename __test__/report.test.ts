// renderReport: the outreach report page of a result, as a Node backend would serve it.
import { afterAll, describe, expect, test } from 'bun:test'

import { bakeryRoutes, local, native, serve } from './helpers'

const site = serve(bakeryRoutes)
afterAll(() => site.server.stop(true))

const HOSTILE = '<script>alert(1)</script>"><img src=x onerror=alert(1)>'

describe('renderReport', () => {
  test('renders an audited lead as one self-contained page', async () => {
    const r = await native.auditLead({ website: site.url, companyName: 'Harbor Street Bakery' }, local)
    const html = native.renderReport(r, { lang: 'en', businessName: 'Harbor Street Bakery' })
    expect(html.startsWith('<!doctype html>')).toBe(true)
    expect(html).toContain('<html lang="en">')
    expect(html).toContain('Harbor Street Bakery')
    expect(html).toContain(`id="grade">${r.score.grade}</span>`)
    expect(html).toContain('hello@harborbakery.com')
    // Where the contact was found, in plain words.
    expect(html).toMatch(/found on [^<]+, as an email link|found on [^<]+, in the text/)
    expect(html).not.toContain('<script')
    expect(html).not.toContain('src="http')
    const de = native.renderReport(r, { lang: 'de', brand: { name: 'Webwerk Nord', email: 'hallo@webwerk.test' } })
    expect(de).toContain('<html lang="de">')
    expect(de).toContain('Webwerk Nord')
  })

  test('strings from the page stay text', async () => {
    const r = await native.auditLead({ website: site.url }, local)
    r.audit.title = HOSTILE
    r.emails = [`a${HOSTILE}@x.test`]
    const html = native.renderReport(r, { businessName: HOSTILE })
    expect(html).not.toContain('<script>alert')
    expect(html).not.toContain('<img src=x')
    expect(html).toContain('&lt;script&gt;')
  })

  test('bad arguments are refused with a code', async () => {
    const r = await native.auditLead({ website: site.url }, local)
    const call = (...args: unknown[]) => {
      try {
        ;(native.renderReport as (...a: unknown[]) => string)(...args)
      } catch (e) {
        return (e as { code: string }).code
      }
      return 'no error'
    }
    expect(call('not a result')).toBe('E_INVALID_ARG')
    expect(call({ url: 'x' })).toBe('E_INVALID_ARG')
    expect(call(r, { colour: 'red' })).toBe('E_INVALID_OPTIONS')
    expect(call(r, { lang: 'fr' })).toBe('E_INVALID_OPTIONS')
    expect(call(r, { brand: { name: 'X', logo: 'javascript:alert(1)' } })).toBe('E_INVALID_OPTIONS')
  })
})
