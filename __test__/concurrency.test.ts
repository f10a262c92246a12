// Many audits at once share one auditor and the tokio runtime; each gets its own result.
import { afterAll, expect, test } from 'bun:test'

import { bakeryRoutes, local, native, serve } from './helpers'

const site = serve(bakeryRoutes)
afterAll(() => void site.server.stop(true))

test('50 concurrent auditLead calls all resolve with their own lead', async () => {
  const results = await Promise.all(
    Array.from({ length: 50 }, (_, i) => native.auditLead({ leadId: `lead-${i}`, website: site.url }, local)),
  )
  results.forEach((r, i) => {
    expect(r.leadId).toBe(`lead-${i}`)
    expect(r.reachable).toBe(true)
    expect(r.emails).toContain('hello@harborbakery.com')
    expect(r.phones).toEqual(['+15035550142'])
  })
})
