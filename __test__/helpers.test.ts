// The synchronous helpers on inline HTML.
import { describe, expect, test } from 'bun:test'

import { native } from './helpers'

describe('extractContacts', () => {
  test('emails, phones and socials of one document', () => {
    const html = `<html><body>
      <a href="mailto:Info@Example-Plumbing.com?subject=Hi">Mail us</a>
      <p>Office: <a href="tel:+1-415-555-0132">415 555 0132</a></p>
      <a href="https://www.linkedin.com/company/example-plumbing/">LinkedIn</a>
      <a href="https://www.facebook.com/sharer/sharer.php?u=x">Share</a>
      <img src="/logo@2x.png" alt="">
    </body></html>`
    const c = native.extractContacts(html, { url: 'https://example-plumbing.com/' })
    expect(c.emails).toEqual(['info@example-plumbing.com'])
    expect(c.phones).toEqual(['+14155550132'])
    expect(Object.keys(c.socials)).toEqual(['linkedin'])
  })

  test('national numbers follow region, then defaultRegion', () => {
    const html = '<p>Ruf uns an: <a href="tel:030 1234567">030 1234567</a></p>'
    expect(native.extractContacts(html, { region: 'DE' }).phones).toEqual(['+49301234567'])
    expect(native.extractContacts(html, { defaultRegion: 'de' }).phones).toEqual(['+49301234567'])
  })

  test('an empty document has no contacts', () => {
    expect(native.extractContacts('')).toEqual({ emails: [], phones: [], faxes: [], socials: {} })
  })
})

describe('detectTechnologies', () => {
  test('html, script URLs and headers', () => {
    const techs = native.detectTechnologies({
      url: 'https://shop.test/',
      html: '<html><head><meta name="generator" content="WordPress 6.4.2"><script src="/js/jquery-3.7.1.min.js"></script></head><body></body></html>',
      headers: { Server: 'nginx/1.24.0', 'Set-Cookie': ['a=1', 'b=2'] },
    })
    const byName = Object.fromEntries(techs.map((t) => [t.name, t]))
    expect(byName.WordPress?.version).toBe('6.4.2')
    expect(byName.WordPress?.categories).toContain('CMS')
    expect(byName.jQuery).toBeDefined()
    expect(byName.Nginx?.version).toBe('1.24.0')
    for (const t of techs) {
      expect(t.confidence).toBeGreaterThan(0)
      expect(t.confidence).toBeLessThanOrEqual(100)
    }
  })

  test('a page with nothing known detects nothing', () => {
    expect(native.detectTechnologies({ url: 'https://plain.test/', html: '<p>hello</p>' })).toEqual([])
  })
})

describe('scoreLead', () => {
  const base = {
    url: 'http://bakery.com/',
    leadId: null,
    finalUrl: 'http://bakery.com/',
    reachable: true,
    httpStatus: 200,
    error: null,
    renderedWithBrowser: false,
    pages: [{ url: 'http://bakery.com/', status: 200, bytes: 2000, elapsedMs: 12, via: 'http' }],
    emails: ['hello@bakery.com'],
    phones: ['+15035550142'],
    socials: { facebook: 'https://www.facebook.com/bakery' },
    technologies: [],
    audit: { https: false, viewport: false, outdatedLibraries: [], eolSoftware: [], issues: [] },
    domain: null,
    score: { grade: 'COLD', points: 0, opportunity: 0, reachability: 0, reasons: [] },
    skipped: null,
    auditedAt: '2025-01-01T00:00:00Z',
    durationMs: 100,
  }

  test('scores a result given as JSON', () => {
    const s = native.scoreLead(base as any)
    expect(s.points).toBe(s.opportunity + s.reachability)
    expect(s.opportunity).toBeGreaterThan(0)
    expect(s.reachability).toBeGreaterThan(0)
    expect(s.reasons.length).toBeGreaterThan(0)
  })

  test('weights and thresholds change the grade', () => {
    const easy = native.scoreLead(base as any, { hotThreshold: 1, warmThreshold: 0 })
    expect(easy.grade).toBe('HOT')
    const hard = native.scoreLead(base as any, { hotThreshold: 10000, warmThreshold: 9000 })
    expect(hard.grade).toBe('COLD')
    const noPhone = native.scoreLead(base as any, { phone: 0 })
    expect(noPhone.points).toBeLessThan(native.scoreLead(base as any).points)
  })

  test('an unreachable result is COLD', () => {
    const s = native.scoreLead({ ...base, reachable: false, error: { kind: 'connect', message: 'refused' } } as any)
    expect(s.grade).toBe('COLD')
  })
})
