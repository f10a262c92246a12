// Retries with fixed and exponential backoff end in `failed` with attemptsMade == attempts,
// a copy lands in the dead-letter queue; removeOnComplete / removeOnFail are honoured.
// Usage: node retries.mjs VERSION QUEUE DLQ       (the worker's processor fails jobs whose
// data has "fail": true and completes the others)
import { bullmq, connection, emit, main, prefix, until, facts } from './lib.mjs';

const [version, name, dlqName] = process.argv.slice(2);

main(async () => {
  const { Queue, QueueEvents, Job } = await bullmq(version);
  const queue = new Queue(name, { connection: connection(), prefix });
  const dlq = new Queue(dlqName, { connection: connection(), prefix });
  // From the stream's start: the queue is new, and no event may slip past before the first read.
  const events = new QueueEvents(name, { connection: connection(), prefix, lastEventId: '0-0' });
  await events.waitUntilReady();
  const exhausted = [];
  const ended = new Set();
  events.on('retries-exhausted', ({ jobId, attemptsMade }) => exhausted.push({ jobId, attemptsMade: Number(attemptsMade) }));
  events.on('completed', ({ jobId }) => ended.add(jobId));
  events.on('failed', ({ jobId }) => ended.add(jobId));

  // Each retention policy trims the whole completed/failed set, so each runs alone: add its
  // jobs one after the other, wait for all to end, then look which are still there.
  const phase = async (count, data, opts) => {
    const ids = [];
    for (let i = 0; i < count; i++) {
      const job = await queue.add('audit', data, opts);
      ids.push(job.id);
      await until(() => ended.has(job.id), 20000, 10);
    }
    const present = [];
    for (const id of ids) present.push(Boolean(await Job.fromId(queue, id)));
    return present;
  };
  const present = {
    completeTrue: await phase(2, {}, { removeOnComplete: true }),
    completeCount: await phase(4, {}, { removeOnComplete: 2 }),
    completeAgeCount: await phase(3, {}, { removeOnComplete: { age: 3600, count: 1 } }),
    failTrue: await phase(2, { fail: true }, { removeOnFail: true }),
    failCount: await phase(3, { fail: true }, { removeOnFail: 1 }),
    failAgeCount: await phase(3, { fail: true }, { removeOnFail: { age: 3600, count: 2 } }),
  };
  await queue.clean(0, 1000, 'failed');

  const fixed = (await queue.add('audit', { label: 'fixed', fail: true }, { attempts: 3, backoff: { type: 'fixed', delay: 100 } })).id;
  const expo = (await queue.add('audit', { label: 'exponential', fail: true }, { attempts: 4, backoff: { type: 'exponential', delay: 50 } })).id;
  emit('added', {});
  await until(() => ended.has(fixed) && ended.has(expo), 30000);
  // Dead-letter copies are added before the failing job moves to failed.
  const deadCount = 2 + 3 + 3 + 2;
  await until(async () => (await dlq.getJobCounts()).waiting >= deadCount, 5000);
  await new Promise((r) => setTimeout(r, 200));
  const dead = (await dlq.getJobs(['waiting'], 0, -1)).map((j) => j.data);
  emit('done', {
    fixed: await facts(Job, queue, fixed),
    exponential: await facts(Job, queue, expo),
    exhausted,
    present,
    dead,
    deadCount,
    counts: await queue.getJobCounts(),
  });
  await events.close();
  for (const q of [queue, dlq]) {
    await q.obliterate({ force: true });
    await q.close();
  }
});
