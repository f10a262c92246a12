// The example worker (examples/node-worker.mjs) with the audit done in plain JavaScript: the
// same BullMQ Worker, settings, progress and shutdown, but the processor crawls with undici and
// parses with cheerio, by the baselines' rules (lib/lead.mjs, lib/page.mjs, lib/rules.mjs,
// lib/fingerprints.mjs). The queue benchmark (bench/lib/workers.mjs) runs it beside the example.
//
//   node bench/node/worker-plain.mjs
//
// Environment: REDIS_URL or REDIS_HOST / REDIS_PORT / REDIS_PASSWORD / REDIS_DB, QUEUE_NAME
// (leads), BULLMQ_PREFIX (bull), WORKER_CONCURRENCY (8), LEAD_AUDIT_TIMEOUT (30),
// LEAD_AUDIT_REQUEST_TIMEOUT (10), LEAD_AUDIT_MAX_PAGES (5). The baseline never renders, never
// looks up domains and does not guard against private addresses, so LEAD_AUDIT_BROWSER,
// LEAD_AUDIT_NO_DOMAIN_LOOKUP and LEAD_AUDIT_ALLOW_PRIVATE_NETWORKS have nothing to switch.
import { Worker } from 'bullmq'
import { undiciSender } from './lib/undici.mjs'
import * as cheerio from 'cheerio'

import { auditLead, HostLimiter } from './lib/lead.mjs'
import { walk, cookies } from './lib/page.mjs'
import { loadFingerprints, detectNaive } from './lib/fingerprints.mjs'

const env = process.env
const number = (name, dflt) => (env[name] ? Number(env[name]) : dflt)

function redisConnection() {
  if (env.REDIS_URL) {
    const u = new URL(env.REDIS_URL)
    return {
      host: u.hostname,
      port: Number(u.port || 6379),
      password: u.password ? decodeURIComponent(u.password) : undefined,
      db: u.pathname.length > 1 ? Number(u.pathname.slice(1)) : 0,
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

// The settings lib/lead.mjs reads; retries and the per-host limit are the Rust pipeline's.
const opts = {
  timeoutMs: number('LEAD_AUDIT_TIMEOUT', 30) * 1000,
  requestTimeoutMs: number('LEAD_AUDIT_REQUEST_TIMEOUT', 10) * 1000,
  maxPages: number('LEAD_AUDIT_MAX_PAGES', 5),
  retries: 2,
  perHost: 2,
}

const fp = loadFingerprints()
const send = undiciSender(opts.perHost)

// One cheerio document per page: contacts, links, metas and scripts in one walk of it,
// fingerprints matched technology by technology, DOM patterns through cheerio selectors.
function analyze(url, res) {
  const $ = cheerio.load(res.body)
  const w = walk($.root()[0], url, true)
  const technologies = detectNaive(fp, {
    url: url.href, html: res.body, headers: res.headers, cookies: cookies(res.headers),
    meta: w.meta, scriptSrcs: w.scriptSrcs, scripts: w.scripts,
    dom: (sel) => { try { return $(sel).length > 0 } catch { return false } },
  })
  return { contacts: w.contacts, links: w.links, technologies }
}

const limiter = new HostLimiter(opts.perHost)

// Progress at the stages this audit has, fired and forgotten like the example's.
async function processLead(job) {
  const progress = (stage) => { job.updateProgress({ stage }).catch(() => {}) }
  let pages = 0
  const stagedAnalyze = (url, res) => {
    if (pages === 0) progress('analyzing')
    else if (pages === 1) progress('crawling')
    pages++
    return analyze(url, res)
  }
  progress('fetching')
  const result = await auditLead({ opts, send, analyze: stagedAnalyze, limiter }, job.data)
  progress('done')
  return result
}

const worker = new Worker(env.QUEUE_NAME ?? 'leads', processLead, {
  connection: redisConnection(),
  prefix: env.BULLMQ_PREFIX ?? 'bull',
  concurrency: Number(env.WORKER_CONCURRENCY ?? 8),
})

worker.on('ready', () => console.log(`worker ready on queue ${worker.name}`))
worker.on('completed', (job, result) => console.log(`job ${job.id}: ${result.url} (${result.durationMs} ms)`))
worker.on('failed', (job, err) => console.error(`job ${job?.id} failed: ${err.message}`))
worker.on('error', (err) => console.error(`worker error: ${err.message}`))

let closing = false
for (const sig of ['SIGTERM', 'SIGINT']) {
  process.on(sig, async () => {
    if (closing) return
    closing = true
    await worker.close()
    process.exit(0)
  })
}
