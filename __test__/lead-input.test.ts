// auditLead reads leads like the CLI and the worker do (numeric ids, field aliases, extra fields
// kept out of the audit) and options by their declared names only.
import { afterAll, describe, expect, test } from 'bun:test'

import { bakeryRoutes, native, rejection, serve } from './helpers'

const site = serve(bakeryRoutes)
afterAll(() => site.server.stop(true))

const local = { allowPrivateNetworks: true, domainLookup: false, browser: 'never' } as const
const auditLead = native.auditLead as (...args: unknown[]) => Promise<Awaited<ReturnType<typeof native.auditLead>>>

describe('leads', () => {
  test('a numeric leadId comes back as a string', async () => {
    const r = await native.auditLead({ leadId: 42, website: site.url }, local)
    expect(r.leadId).toBe('42')
    expect(r.reachable).toBe(true)
  })

  test('id and url are read as leadId and website', async () => {
    const r = await auditLead({ id: 7, url: site.url }, local)
    expect(r.leadId).toBe('7')
    expect(r.url).toBe(`${site.url}/`)
    expect(r.reachable).toBe(true)
  })

  test('extra fields are accepted and do not change the audit', async () => {
    const r = await auditLead(
      { leadId: 'x1', website: site.url, campaign: 'q3', attempt: 2, tags: ['a'], meta: { source: 'csv' } },
      local,
    )
    expect(r.leadId).toBe('x1')
    expect(r.reachable).toBe(true)
  })

  test('a phone given as a number counts as contact data', async () => {
    const r = await auditLead({ companyName: 'Harbor Street Bakery', phone: 5035550142, country: 'US' }, local)
    expect(r.skipped).toBeNull()
  })

  test('a website that is not a string is E_INVALID_ARG naming the field', async () => {
    const e = await rejection(auditLead({ website: 42 }, local))
    expect(e.code).toBe('E_INVALID_ARG')
    expect(e.message).toContain('website')
  })

  test('a field JSON cannot hold is E_INVALID_ARG naming the field', async () => {
    const e = await rejection(auditLead({ website: site.url, leadId: () => 1 }, local))
    expect(e.code).toBe('E_INVALID_ARG')
    expect(e.message).toContain('leadId')
  })
})

describe('options', () => {
  test('a misspelt option is E_INVALID_OPTIONS naming it and the known ones', async () => {
    const e = await rejection(auditLead(site.url, { maxpages: 2 }))
    expect(e.code).toBe('E_INVALID_OPTIONS')
    expect(e.message).toContain('maxpages')
    expect(e.message).toContain('maxPages')
  })

  test('a nested option of the wrong type is named by its path', async () => {
    const e = await rejection(auditLead(site.url, { ...local, score: { hotThreshold: 'hot' } }))
    expect(e.code).toBe('E_INVALID_OPTIONS')
    expect(e.message).toContain('score.hotThreshold')
  })

  test('undefined options are left out, as in JSON', async () => {
    const r = await auditLead(site.url, { ...local, maxPages: undefined, signal: undefined, onProgress: undefined })
    expect(r.reachable).toBe(true)
  })

  test('resolve sends a host name to a loopback address without DNS', async () => {
    const port = new URL(site.url).port
    const r = await native.auditLead(`http://harbor-bakery.test:${port}`, {
      ...local,
      maxPages: 0,
      resolve: ['harbor-bakery.test:127.0.0.1'],
    })
    expect(r.reachable).toBe(true)
    expect(r.httpStatus).toBe(200)
  })
})
