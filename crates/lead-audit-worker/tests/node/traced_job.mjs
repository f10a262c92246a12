// A job added with a trace context, as a Node producer with BullMQ telemetry adds it (the
// context travels in `opts.telemetry.metadata`, stored as `tm`). Reports the job's end and its
// stored options. Usage: node traced_job.mjs VERSION QUEUE WEBSITE TRACEPARENT
import { bullmq, connection, emit, main, prefix, until, facts, redis } from './lib.mjs';

const [version, name, website, traceparent] = process.argv.slice(2);

main(async () => {
  const { Queue, Job } = await bullmq(version);
  const queue = new Queue(name, { connection: connection(), prefix });
  const job = await queue.add('audit', { website }, {
    telemetry: { metadata: JSON.stringify({ traceparent }) },
  });
  await until(async () => ['completed', 'failed'].includes(await (await Job.fromId(queue, job.id))?.getState()), 40000, 50);
  const opts = await redis().hget(`${prefix}:${name}:${job.id}`, 'opts');
  emit('done', { job: await facts(Job, queue, job.id), opts });
  await queue.obliterate({ force: true });
  await queue.close();
});
