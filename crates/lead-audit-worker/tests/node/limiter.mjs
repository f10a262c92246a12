// BullMQ's rate limiter shared by a Node Worker and the Rust worker: both run with the same
// `limiter` (MAX jobs per DURATION ms), so the queue as a whole keeps that rate. Reports
// `ready`, waits for a line (the Rust worker is up), adds COUNT jobs and reports, once all
// completed, when each job started (processedOn) and who ran it.
// Usage: node limiter.mjs VERSION QUEUE COUNT MAX DURATION_MS
import { bullmq, connection, emit, main, prefix, until, waitForInput } from './lib.mjs';

const [version, name, countArg, maxArg, durationArg] = process.argv.slice(2);
const count = Number(countArg);
const limiter = { max: Number(maxArg), duration: Number(durationArg) };

main(async () => {
  const { Queue, Worker } = await bullmq(version);
  const queue = new Queue(name, { connection: connection(), prefix });
  const worker = new Worker(name, async () => ({ by: 'node' }), {
    connection: connection(),
    prefix,
    concurrency: 4,
    limiter,
  });
  await worker.waitUntilReady();
  emit('ready');
  await waitForInput();
  await queue.addBulk(Array.from({ length: count }, (_, i) => ({ name: 'audit', data: { n: i } })));
  await until(async () => (await queue.getJobCounts('completed')).completed >= count, 60000, 50);
  await worker.close();
  const jobs = await queue.getJobs(['completed'], 0, -1);
  emit('done', {
    counts: await queue.getJobCounts(),
    started: jobs.map((j) => j.processedOn).sort((a, b) => a - b),
    node: jobs.filter((j) => j.returnvalue?.by === 'node').length,
    rust: jobs.filter((j) => j.returnvalue?.pid).length,
  });
  await queue.obliterate({ force: true });
  await queue.close();
});
