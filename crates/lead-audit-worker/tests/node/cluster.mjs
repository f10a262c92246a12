// A mixed fleet on Redis Cluster: a Node Worker here, Rust workers beside it, jobs added by
// Node (through an ioredis Cluster) and by the Rust side. Reports `ready`, waits for a line
// (the Rust workers are up), adds COUNT jobs, reports `halfway` when a third have completed
// (the Rust side then kills one of its workers), and at the end every job's fate.
// Usage: REDIS_CLUSTER_NODES=… BULLMQ_PREFIX={bull} node cluster.mjs VERSION QUEUE COUNT TOTAL
// (TOTAL - COUNT jobs come from the Rust side after `ready`.)
import { bullmq, connection, emit, main, prefix, until, sleep, waitForInput } from './lib.mjs';

const [version, name, countArg, totalArg] = process.argv.slice(2);
const count = Number(countArg);
const total = Number(totalArg);

main(async () => {
  const { Queue, QueueEvents, Worker } = await bullmq(version);
  const queue = new Queue(name, { connection: connection(), prefix });
  const events = new QueueEvents(name, { connection: connection(), prefix, lastEventId: '0-0' });
  await events.waitUntilReady();
  const completedEvents = new Map();
  let progressEvents = 0;
  events.on('completed', ({ jobId }) => completedEvents.set(jobId, (completedEvents.get(jobId) ?? 0) + 1));
  events.on('progress', () => progressEvents++);
  const worker = new Worker(
    name,
    async () => {
      await sleep(40);
      return { by: 'node' };
    },
    { connection: connection(), prefix, concurrency: 4, lockDuration: 2000, stalledInterval: 1000 },
  );
  await worker.waitUntilReady();
  emit('ready');
  await waitForInput();
  await queue.addBulk(Array.from({ length: count }, (_, i) => ({ name: 'audit', data: { website: `n${i}.example` } })));
  emit('added');
  await until(async () => (await queue.getJobCounts('completed')).completed >= total / 3, 60000, 20);
  emit('halfway');
  const settled = async () => {
    const c = await queue.getJobCounts('completed', 'failed');
    return c.completed + c.failed >= total;
  };
  await until(settled, 90000, 100);
  await until(() => completedEvents.size >= total, 5000, 50);
  await worker.close();
  const jobs = await queue.getJobs(['completed'], 0, -1);
  const by = { node: 0, rust: 0, unknown: 0 };
  for (const job of jobs) {
    if (job.returnvalue?.by === 'node') by.node++;
    else if (job.returnvalue?.pid) by.rust++;
    else by.unknown++;
  }
  const twice = [...completedEvents.values()].filter((n) => n !== 1).length;
  emit('done', {
    counts: await queue.getJobCounts(),
    completed: jobs.length,
    by,
    rustPids: [...new Set(jobs.map((j) => j.returnvalue?.pid).filter(Boolean))],
    completedEvents: completedEvents.size,
    completedTwice: twice,
    progressEvents,
  });
  await events.close();
  await queue.obliterate({ force: true });
  await queue.close();
});
