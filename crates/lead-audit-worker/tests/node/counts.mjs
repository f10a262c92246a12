// Adds N jobs, then waits until all completed. Usage: node counts.mjs VERSION QUEUE N
// Prints `added`, then `done` with the counts (ioredis reconnects across a Redis restart).
import { bullmq, connection, emit, main, prefix, until } from './lib.mjs';

const [version, name, n] = process.argv.slice(2);

main(async () => {
  const { Queue } = await bullmq(version);
  const queue = new Queue(name, { connection: connection(), prefix });
  const jobs = await queue.addBulk(Array.from({ length: Number(n) }, (_, i) => ({ name: 'audit', data: { n: i } })));
  emit('added', { ids: jobs.map((j) => j.id) });
  const done = await until(async () => {
    try {
      return (await queue.getJobCounts()).completed === Number(n);
    } catch {
      return false;
    }
  }, 50000, 200);
  emit('done', { completed: Boolean(done), counts: await queue.getJobCounts() });
  await queue.obliterate({ force: true });
  await queue.close();
});
