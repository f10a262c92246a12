// Shared helpers of the interop scenarios: load a pinned Node BullMQ, connect, report.
//
// Every scenario prints one JSON object per line on stdout ({"event": ...}); the Rust test
// reads them to know when to act (start, kill or signal a worker) and what to assert.

import IORedis from 'ioredis';

export async function bullmq(version) {
  if (version !== 'bullmq5' && version !== 'bullmq6') {
    throw new Error(`version must be bullmq5 or bullmq6, not ${version}`);
  }
  return import(version);
}

// The machine's Redis, or the Redis Cluster named by REDIS_CLUSTER_NODES (an ioredis Cluster
// each time: BullMQ's workers need connections of their own).
export function connection() {
  const nodes = process.env.REDIS_CLUSTER_NODES;
  if (nodes) {
    const seeds = nodes.split(',').map((n) => {
      const u = new URL(n);
      return { host: u.hostname, port: Number(u.port || 6379) };
    });
    return new IORedis.Cluster(seeds, { redisOptions: { maxRetriesPerRequest: null } });
  }
  const url = new URL(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  return {
    host: url.hostname,
    port: Number(url.port || 6379),
    db: Number(url.pathname.slice(1) || 0),
    maxRetriesPerRequest: null,
  };
}

export const prefix = process.env.BULLMQ_PREFIX ?? 'bull';

export function emit(event, fields = {}) {
  process.stdout.write(JSON.stringify({ event, ...fields }) + '\n');
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Polls `check` until it returns a truthy value or `ms` pass; returns the last value.
export async function until(check, ms, every = 50) {
  const end = Date.now() + ms;
  let v = await check();
  while (!v && Date.now() < end) {
    await sleep(every);
    v = await check();
  }
  return v;
}

// Reads a line from stdin: the Rust side's go-ahead.
export function waitForInput() {
  return new Promise((resolve) => {
    process.stdin.once('data', (d) => {
      process.stdin.pause();
      resolve(d.toString().trim());
    });
  });
}

// The facts a test checks about a job, as Node's Job.fromId sees them.
export async function facts(Job, queue, id) {
  const job = await Job.fromId(queue, id);
  if (!job) return null;
  return {
    id: job.id,
    returnvalue: job.returnvalue ?? null,
    processedOn: job.processedOn ?? null,
    finishedOn: job.finishedOn ?? null,
    attemptsMade: job.attemptsMade,
    failedReason: job.failedReason ?? null,
    state: await job.getState(),
    attemptsStarted: Number((await redis().hget(`${prefix}:${queue.name}:${id}`, 'ats')) ?? 0),
  };
}

export async function main(fn) {
  const timer = setTimeout(() => {
    emit('error', { message: 'scenario timed out' });
    process.exit(3);
  }, Number(process.env.SCENARIO_TIMEOUT_MS ?? 60000));
  try {
    await fn();
    clearTimeout(timer);
    process.exit(0);
  } catch (e) {
    emit('error', { message: String(e?.stack ?? e) });
    process.exit(1);
  }
}

let plain;
// A plain Redis client for what BullMQ's API does not show (attemptsStarted).
export function redis() {
  plain ??= new IORedis(connection());
  return plain;
}
