// Every rejection and throw has a stable code and a message; wrong types never crash.
import { describe, expect, test } from 'bun:test'

import { local, native, rejection, thrown } from './helpers'

const auditLead = native.auditLead as (...args: unknown[]) => Promise<unknown>

async function rejectsWith(code: string, args: unknown[], mentions?: string) {
  const p = auditLead(...args)
  expect(p).toBeInstanceOf(Promise)
  const e = await rejection(p)
  expect(e).toBeInstanceOf(Error)
  expect(e.code).toBe(code)
  expect(e.message.length).toBeGreaterThan(10)
  if (mentions) expect(e.message).toContain(mentions)
}

describe('auditLead rejects (never throws) for what the caller must fix', () => {
  test.each([
    [[], 'lead'],
    [[undefined], 'lead'],
    [[null], 'lead'],
    [[42], 'number'],
    [[['http://a.test']], 'array'],
    [[{ website: 7 }], '"website"'],
    [[{ website: 'a.test', force: 'maybe' }], '"force"'],
    [[{ leadId: {}, website: 'a.test' }], '"leadId"'],
  ])('E_INVALID_ARG for lead %p', async (args, mentions) => {
    await rejectsWith('E_INVALID_ARG', args as unknown[], mentions)
  })

  test.each([
    [42, 'options'],
    ['fast', 'options'],
    [{ maxpages: 2 }, 'maxpages'],
    [{ timeout: -1 }, 'timeout'],
    [{ timeout: 'soon' }, 'timeout'],
    [{ maxPages: 2.5 }, 'maxPages'],
    [{ maxPages: 1000 }, 'maxPages'],
    [{ browser: 'sometimes' }, 'browser'],
    [{ defaultRegion: 'XX' }, 'defaultRegion'],
    [{ userAgent: '' }, 'userAgent'],
    [{ signal: 'stop' }, 'signal'],
    [{ signal: {} }, 'signal'],
    [{ onProgress: 'log' }, 'onProgress'],
    [{ score: { hotThreshold: 10, warmThreshold: 20 } }, 'threshold'],
    [{ fingerprints: '/nonexistent/lead-audit/fingerprints.json' }, 'fingerprints'],
  ])('E_INVALID_OPTIONS for %p', async (options, mentions) => {
    await rejectsWith('E_INVALID_OPTIONS', ['http://a.test', options], mentions)
  })

  test('null and undefined options mean defaults', async () => {
    const r = (await auditLead({ website: 'http://exa mple' }, undefined)) as { error: { kind: string } }
    expect(r.error.kind).toBe('invalid_url')
    const r2 = (await auditLead({ website: 'http://exa mple' }, null)) as { error: { kind: string } }
    expect(r2.error.kind).toBe('invalid_url')
  })

  test('extra fields of a job payload are ignored', async () => {
    const r = (await auditLead({ website: 'http://exa mple', source: 'csv', tags: ['a'] }, local)) as {
      error: { kind: string }
    }
    expect(r.error.kind).toBe('invalid_url')
  })
})

describe('the helpers throw with a code', () => {
  const call = (f: Function, ...args: unknown[]) => thrown(() => f(...args))

  test('extractContacts', () => {
    expect(call(native.extractContacts).code).toBe('E_INVALID_ARG')
    expect(call(native.extractContacts, 5).code).toBe('E_INVALID_ARG')
    expect(call(native.extractContacts, '<p></p>', 'x').code).toBe('E_INVALID_OPTIONS')
    expect(call(native.extractContacts, '<p></p>', { url: 'not a url' }).code).toBe('E_INVALID_OPTIONS')
    expect(call(native.extractContacts, '<p></p>', { region: 'Atlantis' }).code).toBe('E_INVALID_OPTIONS')
    expect(call(native.extractContacts, '<p></p>', { regoin: 'DE' }).message).toContain('regoin')
  })

  test('detectTechnologies', () => {
    expect(call(native.detectTechnologies).code).toBe('E_INVALID_ARG')
    expect(call(native.detectTechnologies, 'https://a.test').code).toBe('E_INVALID_ARG')
    expect(call(native.detectTechnologies, { html: '<p>' }).code).toBe('E_INVALID_ARG')
    expect(call(native.detectTechnologies, { url: 'https://a.test', headers: { server: 5 } }).code).toBe(
      'E_INVALID_ARG',
    )
  })

  test('scoreLead', () => {
    expect(call(native.scoreLead).code).toBe('E_INVALID_ARG')
    expect(call(native.scoreLead, 'HOT').code).toBe('E_INVALID_ARG')
    const e = call(native.scoreLead, { url: 'http://a.test' })
    expect(e.code).toBe('E_INVALID_ARG')
    expect(e.message).toContain('AuditResult')
    expect(call(native.scoreLead, { url: 'x' }, 3).code).toBe('E_INVALID_ARG')
  })
})
