// Node Queue.add (plain, lifo, priority, delay, custom jobId) → a worker processes them.
// Usage: node add_process.mjs VERSION QUEUE MODE    (MODE: external | node)
// With `node` a Node Worker (concurrency 1) processes the queue: the reference order.
import { bullmq, connection, emit, main, prefix, until, waitForInput, facts } from './lib.mjs';

const [version, name, mode] = process.argv.slice(2);

main(async () => {
  const { Queue, Job, Worker } = await bullmq(version);
  const queue = new Queue(name, { connection: connection(), prefix });
  const adds = [
    ['plain-1', {}],
    ['plain-2', {}],
    ['lifo', { lifo: true }],
    ['prio-5', { priority: 5 }],
    ['prio-1', { priority: 1 }],
    ['delayed', { delay: 3000 }],
    ['custom', { jobId: `custom-${name}` }],
    ['plain-3', {}],
  ];
  const ids = {};
  for (const [label, opts] of adds) {
    const job = await queue.add('audit', { label, website: `${label}.example` }, opts);
    ids[label] = job.id;
  }
  emit('added', { ids });

  let worker;
  if (mode === 'node') {
    let seq = 0;
    worker = new Worker(name, async (job) => ({ seq: seq++, data: job.data }), {
      connection: connection(),
      prefix,
      concurrency: 1,
    });
  } else {
    await waitForInput();
  }
  const done = await until(async () => {
    const c = await queue.getJobCounts();
    return c.completed === adds.length ? c : null;
  }, 30000);
  if (worker) await worker.close();
  const jobs = {};
  for (const [label, id] of Object.entries(ids)) jobs[label] = await facts(Job, queue, id);
  emit('done', { counts: await queue.getJobCounts(), completed: Boolean(done), jobs });
  await queue.obliterate({ force: true });
  await queue.close();
});
