// A Node BullMQ worker on the `leads` queue whose processor is the Rust pipeline, in-process.
// The first step of the migration: the queue code stays as it is, only the audit changes.
//
//   node examples/node-worker.mjs
//
// Environment (the same names as the Rust worker): REDIS_URL or REDIS_HOST / REDIS_PORT /
// REDIS_PASSWORD / REDIS_DB, QUEUE_NAME (leads), BULLMQ_PREFIX (bull), WORKER_CONCURRENCY (8),
// LEAD_AUDIT_TIMEOUT, LEAD_AUDIT_REQUEST_TIMEOUT, LEAD_AUDIT_MAX_PAGES, LEAD_AUDIT_BROWSER, LEAD_AUDIT_DEFAULT_REGION,
// LEAD_AUDIT_FINGERPRINTS, LEAD_AUDIT_ALLOW_PRIVATE_NETWORKS, LEAD_AUDIT_NO_DOMAIN_LOOKUP,
// LEAD_AUDIT_USER_AGENT, LEAD_AUDIT_RESOLVE (comma-separated HOST:ADDR), CHROME_PATH,
// LEAD_AUDIT_BROWSER_TABS, LEAD_AUDIT_BROWSER_TIMEOUT. Empty variables count as unset.
import { Worker } from 'bullmq'

// In an application: import { auditLead } from '@app/lead-audit-native'
import { auditLead } from '../index.js'

const env = process.env
const flag = (name) => ['1', 'true', 'yes', 'on'].includes((env[name] ?? '').toLowerCase())
const number = (name) => (env[name] ? Number(env[name]) : undefined)
const text = (name) => env[name] || undefined
const list = (name) => (env[name] ? env[name].split(',').map((s) => s.trim()).filter(Boolean) : undefined)

function redisConnection() {
  if (env.REDIS_URL) {
    const u = new URL(env.REDIS_URL)
    return {
      host: u.hostname,
      port: Number(u.port || 6379),
      password: u.password ? decodeURIComponent(u.password) : undefined,
      db: u.pathname.length > 1 ? Number(u.pathname.slice(1)) : 0,
      // BullMQ workers block on Redis: never give up on a command.
      maxRetriesPerRequest: null,
    }
  }
  return {
    host: env.REDIS_HOST ?? '127.0.0.1',
    port: Number(env.REDIS_PORT ?? 6379),
    password: env.REDIS_PASSWORD || undefined,
    db: Number(env.REDIS_DB ?? 0),
    maxRetriesPerRequest: null,
  }
}

// Undefined entries keep the addon's defaults.
const auditOptions = {
  timeout: number('LEAD_AUDIT_TIMEOUT'),
  requestTimeout: number('LEAD_AUDIT_REQUEST_TIMEOUT'),
  maxPages: number('LEAD_AUDIT_MAX_PAGES'),
  browser: text('LEAD_AUDIT_BROWSER'),
  defaultRegion: text('LEAD_AUDIT_DEFAULT_REGION'),
  fingerprints: text('LEAD_AUDIT_FINGERPRINTS'),
  allowPrivateNetworks: flag('LEAD_AUDIT_ALLOW_PRIVATE_NETWORKS'),
  domainLookup: !flag('LEAD_AUDIT_NO_DOMAIN_LOOKUP'),
  userAgent: text('LEAD_AUDIT_USER_AGENT'),
  resolve: list('LEAD_AUDIT_RESOLVE'),
  chromePath: text('CHROME_PATH'),
  browserTabs: number('LEAD_AUDIT_BROWSER_TABS'),
  browserTimeout: number('LEAD_AUDIT_BROWSER_TIMEOUT'),
}
for (const key of Object.keys(auditOptions)) {
  if (auditOptions[key] === undefined) delete auditOptions[key]
}

// A job's signal (BullMQ >= 5.x passes an AbortSignal to processors when it cancels a job)
// stops the audit's fetches at once; unreachable sites still complete with a COLD result.
async function processLead(job, _token, signal) {
  const result = await auditLead(job.data, {
    ...auditOptions,
    signal,
    onProgress: (stage) => {
      // Fire and forget: progress must never fail or slow the audit.
      job.updateProgress({ stage }).catch(() => {})
    },
  })
  return result
}

const worker = new Worker(env.QUEUE_NAME ?? 'leads', processLead, {
  connection: redisConnection(),
  prefix: env.BULLMQ_PREFIX ?? 'bull',
  concurrency: Number(env.WORKER_CONCURRENCY ?? 8),
})

worker.on('ready', () => console.log(`worker ready on queue ${worker.name}`))
worker.on('completed', (job, result) =>
  console.log(`job ${job.id}: ${result.url} ${result.score.grade} (${result.durationMs} ms)`),
)
worker.on('failed', (job, err) => console.error(`job ${job?.id} failed: ${err.code ?? ''} ${err.message}`))
worker.on('error', (err) => console.error(`worker error: ${err.message}`))

// SIGTERM / SIGINT: stop taking jobs, let the running ones finish, exit 0.
let closing = false
for (const sig of ['SIGTERM', 'SIGINT']) {
  process.on(sig, async () => {
    if (closing) return
    closing = true
    await worker.close()
    process.exit(0)
  })
}
