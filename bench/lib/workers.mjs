// The benchmark through the queue (called by bench/run --workers once everything is built):
// the corpus's leads as BullMQ jobs on the local Redis, consumed by three workers in turn —
// the Rust `lead-audit-worker`, the Node example worker with the addon
// (examples/node-worker.mjs) and the same Node worker auditing in plain JavaScript
// (bench/node/worker-plain.mjs) — alternating over rounds → table and ratios.
import { readFileSync, writeFileSync, existsSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, totalmem, availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { measure } from './measure.mjs';
import { readResults, checksum, agreement } from './results.mjs';
import { BENCH, WORK, BIN, log, settings, corpus as makeCorpus, startServer, median, pct, table } from './common.mjs';

// The harness's Queue is the bullmq of bench/node (the version the root package pins too).
const { Queue } = createRequire(join(BENCH, 'node', 'package.json'))('bullmq');

const quick = process.argv.includes('--quick');
const cfg = settings(quick);
const ROOT = join(BENCH, '..');
const EXAMPLE = join(ROOT, 'examples', 'node-worker.mjs');
// bench/run copies the release addon here, so a debug build made in the checkout meanwhile
// (npm run build:debug overwrites the .node in place) cannot slip into the measurement.
const ADDON = process.env.BENCH_ADDON ?? join(WORK, 'addon', 'lead-audit-native.node');
const redis = { host: process.env.REDIS_HOST ?? '127.0.0.1', port: Number(process.env.REDIS_PORT ?? 6379) };

// Settings a developer's shell may carry that would change what a worker does.
for (const k of ['REDIS_URL', 'DATABASE_URL', 'BACKEND_URL', 'METRICS_ADDR', 'DEAD_LETTER_QUEUE', 'BULLMQ_PREFIX',
  'LEAD_AUDIT_WORKER_TEST_PROCESSOR', 'LEAD_AUDIT_FINGERPRINTS', 'LEAD_AUDIT_DEFAULT_REGION', 'LEAD_AUDIT_USER_AGENT', 'NAPI_RS_NATIVE_LIBRARY_PATH']) {
  delete process.env[k];
}

// Every side gets the same audit settings, by the variables each reads.
const auditEnv = {
  REDIS_HOST: redis.host,
  REDIS_PORT: String(redis.port),
  WORKER_CONCURRENCY: String(cfg.concurrency),
  LEAD_AUDIT_TIMEOUT: String(cfg.timeout),
  LEAD_AUDIT_REQUEST_TIMEOUT: String(cfg.requestTimeout),
  LEAD_AUDIT_MAX_PAGES: '5',
  LEAD_AUDIT_BROWSER: 'never',
  LEAD_AUDIT_NO_DOMAIN_LOOKUP: '1',
  LEAD_AUDIT_ALLOW_PRIVATE_NETWORKS: '1',
  RUST_LOG: 'warn',
};
const sides = {
  rust: [process.env.BENCH_WORKER ?? BIN('lead-audit-worker'), [], {}],
  addon: ['node', [EXAMPLE], { NAPI_RS_NATIVE_LIBRARY_PATH: ADDON }],
  plain: ['node', [join(BENCH, 'node', 'worker-plain.mjs')], {}],
};
const names = { rust: 'rust lead-audit-worker', addon: 'node worker + addon', plain: 'node worker, plain JS' };
for (const [side, [cmd]] of Object.entries(sides)) {
  if (cmd !== 'node' && !existsSync(cmd)) throw new Error(`${side}: ${cmd} is missing (bench/run builds it)`);
}
if (!existsSync(ADDON)) throw new Error(`${ADDON} is missing (bench/run copies it there after npm run build)`);

const { dir: corpus, leads: leadsFile } = makeCorpus(cfg);
const leads = readFileSync(leadsFile, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
const stopServer = await startServer(corpus);

/** One side, one round: fill a fresh queue, run the worker until every job ended, read the jobs. */
async function run(side, round) {
  const name = `bench-${side}-${round}-${randomUUID().slice(0, 8)}`;
  const queue = new Queue(name, { connection: redis });
  try {
    await queue.addBulk(leads.map((data) => ({ name: 'audit', data })));
    const pidFile = join(WORK, `worker-${side}.pid`);
    rmSync(pidFile, { force: true });
    const [cmd, args, env] = sides[side];
    const started = Date.now();
    // `sh` writes its pid and execs the worker, which keeps that pid: measure() samples the
    // worker's tree and this side can signal it once the queue is done.
    const measured = measure('sh', ['-c', 'echo $$ > "$0"; exec "$@"', pidFile, cmd, ...args], { env: { ...auditEnv, ...env, QUEUE_NAME: name } });
    let exited = null;
    measured.then((m) => { exited = m; }, (e) => { exited = { error: e }; });
    const limit = started + 600_000;
    for (;;) {
      const c = await queue.getJobCounts('completed', 'failed');
      if (c.completed + c.failed >= leads.length) break;
      if (exited) throw new Error(`${side} worker exited early (${exited.error?.message ?? `code ${exited.code}`})`);
      if (Date.now() > limit) throw new Error(`${side}: ${c.completed + c.failed} of ${leads.length} jobs ended after 600 s`);
      await sleep(50);
    }
    const pid = Number(readFileSync(pidFile, 'utf8'));
    process.kill(pid, 'SIGTERM');
    const killer = setTimeout(() => { try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ } }, 60_000);
    const m = await measured;
    clearTimeout(killer);

    const jobs = [];
    for (const state of ['completed', 'failed']) {
      const n = await queue.getJobCountByTypes(state);
      for (let start = 0; start < n; start += 200) jobs.push(...await queue.getJobs([state], start, start + 199, true));
    }
    const done = jobs.filter((j) => j.finishedOn);
    const lastEnd = Math.max(...done.map((j) => j.finishedOn));
    const firstStart = Math.min(...done.map((j) => j.processedOn));
    const completed = done.filter((j) => j.returnvalue && !j.failedReason);
    const out = join(WORK, `queue-${side}-${round}.jsonl`);
    writeFileSync(out, completed.map((j) => JSON.stringify(j.returnvalue)).join('\n') + '\n');
    const results = readResults(out);
    return {
      wall_s: (lastEnd - started) / 1000,
      startup_s: (firstStart - started) / 1000,
      cpu_s: m.cpu_s,
      peak_rss_mb: m.peak_rss_mb,
      jobs: done.length,
      failed: done.length - completed.length,
      failures: done.filter((j) => j.failedReason).slice(0, 3).map((j) => `${j.id}: ${j.failedReason}`),
      pages: [...results.values()].reduce((s, x) => s + x.pages, 0),
      jobMs: done.map((j) => j.finishedOn - j.processedOn),
      results,
    };
  } finally {
    await queue.obliterate({ force: true }).catch((e) => log(`obliterate ${name}: ${e.message}`));
    await queue.close();
  }
}

const load = [loadavg()[0]];
const runs = { rust: [], addon: [], plain: [] };
const order = Object.keys(runs);
for (let r = 0; r < cfg.rounds; r++) {
  for (const side of order.map((_, i) => order[(i + r) % order.length])) {
    const m = await run(side, r);
    runs[side].push(m);
    log(`round ${r + 1}/${cfg.rounds} ${side}: ${m.wall_s.toFixed(2)} s, ${(m.jobs / m.wall_s).toFixed(1)} jobs/s, ${(m.pages / m.wall_s).toFixed(0)} pages/s, ` +
      `cpu ${m.cpu_s.toFixed(2)} s, peak ${m.peak_rss_mb.toFixed(0)} MB, first job after ${m.startup_s.toFixed(2)} s${m.failed ? `, ${m.failed} failed` : ''}`);
    for (const f of m.failures) log(`  failed ${f}`);
  }
}
load.push(loadavg()[0]);
stopServer();

const summary = {};
for (const [side, ms] of Object.entries(runs)) {
  const jobMs = ms.flatMap((m) => m.jobMs).sort((a, b) => a - b);
  summary[side] = {
    jobs_s: median(ms.map((m) => m.jobs / m.wall_s)),
    pages_s: median(ms.map((m) => m.pages / m.wall_s)),
    p50: pct(jobMs, 50),
    p99: pct(jobMs, 99),
    rss: median(ms.map((m) => m.peak_rss_mb)),
    cpu1k: median(ms.map((m) => (1000 * m.cpu_s) / m.pages)),
    pagesPerCpu: median(ms.map((m) => m.pages / m.cpu_s)),
    startup: median(ms.map((m) => m.startup_s)),
    failed: Math.max(...ms.map((m) => m.failed)),
  };
}
// The Rust worker's first round is the reference, as the CLI's is in the main benchmark.
const base = runs.rust[0].results;
const agree = {};
for (const side of order) {
  agree[side] = {
    pct: Math.min(...runs[side].map((m) => agreement(base, m.results).all)),
    sum: checksum(runs[side][0].results),
    diffs: side === 'rust' ? [] : agreement(base, runs[side][0].results).diffs,
  };
}

const rows = [['side', 'jobs/s', 'pages/s', 'p50 ms/job', 'p99 ms/job', 'peak RSS MB', 'CPU-s/1k pages', '1st job s', 'failed', 'checksum', 'agree %']];
for (const side of order) {
  const s = summary[side];
  rows.push([names[side], s.jobs_s.toFixed(1), s.pages_s.toFixed(0), String(s.p50), String(s.p99), s.rss.toFixed(0), s.cpu1k.toFixed(2),
    s.startup.toFixed(2), String(s.failed), agree[side].sum, agree[side].pct.toFixed(1)]);
}
const ratio = (a, b) => (b ? a / b : NaN);
const P = summary.plain;
const vsPlain = (side) => `jobs/s ${ratio(summary[side].jobs_s, P.jobs_s).toFixed(1)}x, pages per CPU-s ${ratio(summary[side].pagesPerCpu, P.pagesPerCpu).toFixed(1)}x, peak RSS plain/${side} ${ratio(P.rss, summary[side].rss).toFixed(1)}x`;
console.log(`\nmachine: ${availableParallelism()} cores, ${cpus()[0]?.model ?? '?'}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB, load average ${load.map((l) => l.toFixed(1)).join(' → ')}; ` +
  `Redis ${redis.host}:${redis.port}; corpus: ${cfg.sites} sites (seed ${cfg.seed}) as ${leads.length} jobs, concurrency ${cfg.concurrency}, ` +
  `timeouts ${cfg.timeout} s per lead / ${cfg.requestTimeout} s per request, --browser never, no domain lookup; ${cfg.rounds} rounds, medians`);
console.log(table(rows));
console.log(`\nratios addon worker / plain-JS worker: ${vsPlain('addon')}`);
console.log(`ratios rust worker / plain-JS worker:  ${vsPlain('rust')}`);
console.log(`ratios rust worker / addon worker:     jobs/s ${ratio(summary.rust.jobs_s, summary.addon.jobs_s).toFixed(1)}x, pages per CPU-s ${ratio(summary.rust.pagesPerCpu, summary.addon.pagesPerCpu).toFixed(1)}x, peak RSS addon/rust ${ratio(summary.addon.rss, summary.rust.rss).toFixed(1)}x`);
for (const side of ['addon', 'plain']) for (const d of agree[side].diffs) console.log(`  differs (${side}): ${d}`);
