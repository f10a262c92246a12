// Queue overhead: jobs/s of a no-op processor, the Rust worker against Node's BullMQ Worker,
// same Redis, same concurrency. Not a test: run `bench/queue_overhead.sh`.
//
// For each run: fill a fresh queue with N jobs, start the worker under test, wait until all
// are completed, and take the rate from the jobs' own timestamps (first processedOn to last
// finishedOn), so process start-up is not counted.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const nodeDir = path.join(here, '../tests/node');
const require = createRequire(path.join(nodeDir, 'package.json'));
const { Queue } = require('bullmq6');

const redisUrl = new URL(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
const connection = { host: redisUrl.hostname, port: Number(redisUrl.port || 6379), maxRetriesPerRequest: null };
const jobs = Number(process.env.JOBS ?? 5000);
const concurrency = Number(process.env.CONCURRENCY ?? 50);
const runs = Number(process.env.RUNS ?? 3);
const rustBin = process.env.WORKER_BIN ?? path.join(here, '../../../target/release/lead-audit-worker');

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function startWorker(kind, queue) {
  if (kind === 'rust') {
    return spawn(rustBin, [], {
      env: {
        PATH: process.env.PATH,
        REDIS_URL: redisUrl.toString(),
        QUEUE_NAME: queue,
        WORKER_CONCURRENCY: String(concurrency),
        LEAD_AUDIT_WORKER_TEST_PROCESSOR: 'noop',
        RUST_LOG: 'error',
      },
      stdio: 'ignore',
    });
  }
  return spawn(process.execPath, [path.join(here, 'node_worker.mjs'), kind, queue, String(concurrency)], {
    env: { ...process.env, REDIS_URL: redisUrl.toString() },
    stdio: 'ignore',
    cwd: nodeDir,
  });
}

async function once(kind) {
  const name = `bench-${kind}-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;
  const queue = new Queue(name, { connection });
  for (let i = 0; i < jobs; i += 1000) {
    const n = Math.min(1000, jobs - i);
    await queue.addBulk(Array.from({ length: n }, (_, k) => ({ name: 'audit', data: { n: i + k } })));
  }
  const child = startWorker(kind, name);
  const deadline = Date.now() + 300_000;
  while ((await queue.getJobCounts('completed')).completed < jobs) {
    if (Date.now() > deadline) throw new Error(`${kind}: not done in time`);
    await sleep(100);
  }
  child.kill('SIGTERM');
  let first = Infinity;
  let last = 0;
  for (let start = 0; start < jobs; start += 1000) {
    for (const j of await queue.getJobs(['completed'], start, start + 999)) {
      first = Math.min(first, j.processedOn);
      last = Math.max(last, j.finishedOn);
    }
  }
  await queue.obliterate({ force: true });
  await queue.close();
  return (jobs * 1000) / Math.max(1, last - first);
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const kinds = (process.env.KINDS ?? 'rust,bullmq5,bullmq6').split(',');
const results = {};
for (const kind of kinds) results[kind] = [];
// Interleaved, so drift on the machine hits every kind alike.
for (let r = 0; r < runs; r++) {
  for (const kind of kinds) results[kind].push(await once(kind));
}
console.log(`jobs=${jobs} concurrency=${concurrency} runs=${runs} (median jobs/s)`);
console.log('| worker | jobs/s (median) | runs |');
console.log('|---|---:|---|');
for (const kind of kinds) {
  const label = kind === 'rust' ? 'lead-audit-worker (Rust, noop)' : `Node ${kind} Worker (noop)`;
  console.log(`| ${label} | ${median(results[kind]).toFixed(0)} | ${results[kind].map((x) => x.toFixed(0)).join(', ')} |`);
}
if (results.rust) {
  for (const kind of kinds.filter((k) => k !== 'rust')) {
    console.log(`ratio rust / ${kind}: ${(median(results.rust) / median(results[kind])).toFixed(2)}x`);
  }
}
process.exit(0);
