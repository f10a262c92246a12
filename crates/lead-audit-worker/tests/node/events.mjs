// Node QueueEvents sees active, progress, completed (with the returnvalue) and failed.
// Usage: node events.mjs VERSION QUEUE WEBSITE
import { bullmq, connection, emit, main, prefix, until, facts } from './lib.mjs';

const [version, name, website] = process.argv.slice(2);

main(async () => {
  const { Queue, QueueEvents, Job } = await bullmq(version);
  const queue = new Queue(name, { connection: connection(), prefix });
  // From the stream's start: the queue is new, and no event may slip past before the first read.
  const events = new QueueEvents(name, { connection: connection(), prefix, lastEventId: '0-0' });
  await events.waitUntilReady();
  const seen = [];
  for (const kind of ['active', 'progress', 'completed', 'failed']) {
    events.on(kind, (args) => seen.push({ kind, ...args }));
  }
  const audit = await queue.add('audit', { leadId: 'lead-1', website, companyName: 'Fixture Co' });
  // Only a leadId and no database: can never succeed, so no retries despite attempts 3.
  const orphan = await queue.add('audit', { leadId: 'lead-2' }, { attempts: 3, backoff: { type: 'fixed', delay: 100 } });
  emit('added', { ids: [audit.id, orphan.id] });
  await until(() => {
    const ended = new Set(seen.filter((e) => e.kind === 'completed' || e.kind === 'failed').map((e) => e.jobId));
    return ended.has(audit.id) && ended.has(orphan.id);
  }, 45000);
  await new Promise((r) => setTimeout(r, 300));
  emit('done', {
    events: seen,
    audit: await facts(Job, queue, audit.id),
    orphan: await facts(Job, queue, orphan.id),
    counts: await queue.getJobCounts(),
  });
  await events.close();
  await queue.obliterate({ force: true });
  await queue.close();
});
