// One job through its life, for the crash tests: reports `active` (and by whom), then the
// job's end. Usage: node one_job.mjs VERSION QUEUE [node-worker|-] [DEAD_LETTER_QUEUE]
// With `node-worker` a Node Worker is started once the Rust side writes a line on stdin. With a
// dead-letter queue, its jobs' data are reported (as `dead`) and the queue removed at the end.
import { bullmq, connection, emit, main, prefix, until, waitForInput, facts } from './lib.mjs';

const [version, name, helper, deadName] = process.argv.slice(2);

main(async () => {
  const { Queue, QueueEvents, Job, Worker } = await bullmq(version);
  const queue = new Queue(name, { connection: connection(), prefix });
  // From the stream's start: the queue is new, and no event may slip past before the first read.
  const events = new QueueEvents(name, { connection: connection(), prefix, lastEventId: '0-0' });
  await events.waitUntilReady();
  const seen = [];
  for (const kind of ['active', 'stalled', 'completed', 'failed', 'waiting']) {
    events.on(kind, (args) => seen.push({ kind, ...args }));
  }
  const job = await queue.add('audit', { website: 'crash.example' });
  await until(() => seen.some((e) => e.kind === 'active'), 20000, 20);
  emit('active', { id: job.id });
  let worker;
  if (helper === 'node-worker') {
    await waitForInput();
    worker = new Worker(name, async () => ({ by: 'node' }), {
      connection: connection(),
      prefix,
      lockDuration: 2000,
      stalledInterval: 1000,
    });
  }
  await until(async () => ['completed', 'failed'].includes(await (await Job.fromId(queue, job.id))?.getState()), 40000, 50);
  if (worker) await worker.close();
  let dead = [];
  if (deadName) {
    const dlq = new Queue(deadName, { connection: connection(), prefix });
    // The copy of a job failed before it ran is written just after it turns failed.
    await until(async () => (await dlq.getJobs(['waiting'], 0, -1)).length > 0, 5000, 50);
    dead = (await dlq.getJobs(['waiting'], 0, -1)).map((j) => j.data);
    await dlq.obliterate({ force: true });
    await dlq.close();
  }
  emit('done', { job: await facts(Job, queue, job.id), events: seen, counts: await queue.getJobCounts(), dead });
  await events.close();
  await queue.obliterate({ force: true });
  await queue.close();
});
