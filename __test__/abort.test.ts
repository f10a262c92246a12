// AbortSignal: before the call, during a fetch that never answers, and listener hygiene.
import { afterAll, expect, test } from 'bun:test'

import { local, native, rejection, serve } from './helpers'

// The home page arrives only when the test says so; `closed` settles when the client hangs up.
let requested: () => void
const requestSeen = new Promise<void>((r) => (requested = r))
let seen = 0
let hungUp: () => void
const closed = new Promise<void>((r) => (hungUp = r))
const stalled = serve({
  '/': (req) => {
    seen++
    requested()
    req.signal.addEventListener('abort', () => hungUp())
    return new Promise<Response>(() => {})
  },
})
afterAll(() => void stalled.server.stop(true))

test('an already aborted signal rejects with E_CANCELLED without fetching', async () => {
  const ctrl = new AbortController()
  ctrl.abort()
  const e = await rejection(native.auditLead(stalled.url, { ...local, signal: ctrl.signal }))
  expect(e.code).toBe('E_CANCELLED')
  expect(e.message).toContain('abort')
})

test('aborting during a fetch rejects with E_CANCELLED and closes the connection', async () => {
  const ctrl = new AbortController()
  const stages: string[] = []
  const p = native.auditLead(stalled.url, {
    ...local,
    timeout: 600,
    requestTimeout: 600,
    signal: ctrl.signal,
    onProgress: (s) => stages.push(s),
  })
  await requestSeen
  ctrl.abort()
  const e = await rejection(p)
  expect(e.code).toBe('E_CANCELLED')
  expect(stages).toContain('fetching')
  expect(stages).not.toContain('done')
  // The server sees the request go away: the fetch was stopped, not left running.
  await closed
})

test('the abort listener is removed when the call settles', async () => {
  const listeners = new Set<unknown>()
  const signal = {
    aborted: false,
    addEventListener: (type: string, fn: unknown) => type === 'abort' && listeners.add(fn),
    removeEventListener: (type: string, fn: unknown) => type === 'abort' && listeners.delete(fn),
  }
  const p = native.auditLead({ website: 'http://exa mple' }, { ...local, signal: signal as unknown as AbortSignal })
  expect(listeners.size).toBe(1)
  const r = await p
  expect(r.error?.kind).toBe('invalid_url')
  expect(listeners.size).toBe(0)
})

test('one signal shared by many calls cancels them all', async () => {
  const ctrl = new AbortController()
  // The fetcher sends at most two requests to one host at a time; the others wait their turn.
  const target = seen + 2
  const calls = Array.from({ length: 5 }, () =>
    rejection(native.auditLead(stalled.url, { ...local, timeout: 600, requestTimeout: 600, signal: ctrl.signal })),
  )
  while (seen < target) await Bun.sleep(5)
  ctrl.abort()
  for (const e of await Promise.all(calls)) expect(e.code).toBe('E_CANCELLED')
}, 60_000)
