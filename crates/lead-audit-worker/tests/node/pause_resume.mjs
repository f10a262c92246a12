// The Node 5 pause/resume sequence that loses a job when a worker promotes delayed jobs into
// `wait` while the queue is paused: pause; add A and delayed B; resume after B is due.
// Usage: node pause_resume.mjs VERSION QUEUE   (the worker is already running)
import { bullmq, connection, emit, main, prefix, until, sleep, facts } from './lib.mjs';

const [version, name] = process.argv.slice(2);

main(async () => {
  const { Queue, Job } = await bullmq(version);
  const queue = new Queue(name, { connection: connection(), prefix });
  await queue.pause();
  // Give the worker time to see the pause, as a fleet does.
  await sleep(500);
  const a = await queue.add('audit', { label: 'A' });
  const b = await queue.add('audit', { label: 'B' }, { delay: 500 });
  // B falls due while paused; the worker's fetch loop runs several times meanwhile.
  await sleep(2500);
  const whilePaused = await queue.getJobCounts();
  await queue.resume();
  await until(async () => (await queue.getJobCounts()).completed === 2, 10000);
  emit('done', {
    whilePaused,
    a: await facts(Job, queue, a.id),
    b: await facts(Job, queue, b.id),
    counts: await queue.getJobCounts(),
  });
  await queue.obliterate({ force: true });
  await queue.close();
});
