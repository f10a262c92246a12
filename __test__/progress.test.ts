// onProgress: every stage, in order, delivered before the promise settles.
import { afterAll, expect, test } from 'bun:test'

import { bakeryRoutes, local, native, serve } from './helpers'

const site = serve(bakeryRoutes)
afterAll(() => void site.server.stop(true))

test('stages arrive in pipeline order, all before the result', async () => {
  const stages: string[] = []
  const r = await native.auditLead(site.url, { ...local, onProgress: (s) => stages.push(s) })
  // Checked synchronously after the await: nothing may arrive after the promise settled.
  expect(stages).toEqual(['fetching', 'crawling', 'analyzing', 'domain', 'scoring', 'done'])
  expect(r.reachable).toBe(true)
})

test('an unparseable URL goes straight to scoring', async () => {
  const stages: string[] = []
  await native.auditLead({ website: 'http://exa mple' }, { ...local, onProgress: (s) => stages.push(s) })
  expect(stages).toEqual(['scoring', 'done'])
})

test('a throwing progress handler does not fail the audit', async () => {
  let calls = 0
  const r = await native.auditLead(site.url, {
    ...local,
    onProgress: () => {
      calls++
      throw new Error('handler bug')
    },
  })
  expect(r.reachable).toBe(true)
  expect(calls).toBe(6)
})

test('each concurrent call reports to its own handler', async () => {
  const seen = [[], [], []] as string[][]
  await Promise.all(seen.map((list) => native.auditLead(site.url, { ...local, onProgress: (s) => list.push(s) })))
  for (const list of seen) expect(list.at(-1)).toBe('done')
  for (const list of seen) expect(list).toHaveLength(6)
})
