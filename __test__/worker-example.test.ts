// End to end: examples/node-worker.mjs (Node, BullMQ, the addon) processes jobs a Node
// `Queue` adds on the machine's Redis; each job's returnvalue is the AuditResult.
import { afterAll, expect, test } from 'bun:test'
import { join } from 'node:path'

import { Queue, QueueEvents } from 'bullmq'

import { bakeryRoutes, serve } from './helpers'

const connection = { host: process.env.REDIS_HOST ?? '127.0.0.1', port: Number(process.env.REDIS_PORT ?? 6379) }
const queueName = `leads-addon-${crypto.randomUUID().slice(0, 8)}`
const site = serve(bakeryRoutes)

const worker = Bun.spawn(['node', join(import.meta.dir, '..', 'examples', 'node-worker.mjs')], {
  env: {
    ...process.env,
    QUEUE_NAME: queueName,
    REDIS_HOST: connection.host,
    REDIS_PORT: String(connection.port),
    WORKER_CONCURRENCY: '4',
    LEAD_AUDIT_ALLOW_PRIVATE_NETWORKS: '1',
    LEAD_AUDIT_NO_DOMAIN_LOOKUP: '1',
    LEAD_AUDIT_BROWSER: 'never',
  },
  stdout: 'pipe',
  stderr: 'pipe',
})
const queue = new Queue(queueName, { connection })
const events = new QueueEvents(queueName, { connection })

afterAll(async () => {
  worker.kill('SIGTERM')
  await worker.exited
  await events.close()
  await queue.obliterate({ force: true })
  await queue.close()
  site.server.stop(true)
})

test('jobs added by a Node Queue complete with the AuditResult as returnvalue', async () => {
  await events.waitUntilReady()
  const progress: unknown[] = []
  events.on('progress', ({ data }) => progress.push(data))
  const jobs = await Promise.all([
    queue.add('audit', { leadId: 'e2e-1', website: site.url, companyName: 'Harbor Street Bakery' }),
    queue.add('audit', { leadId: 'e2e-2', website: 'http://not a url' }),
  ])
  const [found, invalid] = await Promise.all(jobs.map((j) => j.waitUntilFinished(events, 60_000)))
  expect(found.leadId).toBe('e2e-1')
  expect(found.reachable).toBe(true)
  expect(found.emails).toContain('hello@harborbakery.com')
  expect(['HOT', 'WARM', 'COLD']).toContain(found.score.grade)
  expect(invalid.error.kind).toBe('invalid_url')

  const stored = await queue.getJob(jobs[0].id!)
  expect(stored?.returnvalue).toEqual(found)
  expect(await queue.getJobCounts('completed', 'failed')).toEqual({ completed: 2, failed: 0 })
  expect(progress).toContainEqual({ stage: 'done' })
}, 90_000)

test('the worker exits 0 on SIGTERM', async () => {
  worker.kill('SIGTERM')
  expect(await worker.exited).toBe(0)
})
