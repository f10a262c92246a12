// A Node Worker and the Rust worker on one queue: every job processed exactly once.
// Usage: node side_by_side.mjs VERSION QUEUE COUNT   (waits for a line on stdin: the Rust
// worker is up)
import { bullmq, connection, emit, main, prefix, until, sleep, waitForInput, redis } from './lib.mjs';

const [version, name, countArg] = process.argv.slice(2);
const count = Number(countArg);

main(async () => {
  const { Queue, Worker } = await bullmq(version);
  const queue = new Queue(name, { connection: connection(), prefix });
  const byNode = new Map();
  const worker = new Worker(
    name,
    async (job) => {
      byNode.set(job.id, (byNode.get(job.id) ?? 0) + 1);
      await sleep(5);
      return { by: 'node' };
    },
    { connection: connection(), prefix, concurrency: 8 },
  );
  await worker.waitUntilReady();
  emit('ready');
  await waitForInput();
  await queue.addBulk(Array.from({ length: count }, (_, i) => ({ name: 'audit', data: { n: i } })));
  await until(async () => (await queue.getJobCounts()).completed === count, 45000, 100);
  await worker.close();
  const client = redis();
  const jobs = await queue.getJobs(['completed'], 0, -1);
  let rust = 0;
  let node = 0;
  let startedTwice = 0;
  let missing = 0;
  for (const job of jobs) {
    const by = job.returnvalue?.by === 'node' ? 'node' : job.returnvalue?.pid ? 'rust' : 'unknown';
    if (by === 'rust') rust++;
    if (by === 'node') node++;
    if (by === 'unknown') missing++;
    const ats = Number(await client.hget(`${prefix}:${name}:${job.id}`, 'ats'));
    if (ats !== 1 || job.attemptsMade !== 1) startedTwice++;
  }
  const nodeTwice = [...byNode.values()].filter((n) => n > 1).length;
  emit('done', { counts: await queue.getJobCounts(), completed: jobs.length, rust, node, missing, startedTwice, nodeTwice });
  await queue.obliterate({ force: true });
  await queue.close();
});
