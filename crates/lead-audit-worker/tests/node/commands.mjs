// A queue driven line by line from the Rust test, so the test can act on the database and the
// fixture servers between steps. Usage: node commands.mjs VERSION QUEUE
//
// Each stdin line is one JSON command; each answer is one JSON event on stdout:
//   {"op": "add", "jobs": [{"data": {...}, "opts": {...}}]}  → {"event": "added", "ids": [...]}
//   {"op": "wait", "ids": [...]}               → {"event": "finished", "jobs": [facts...]}
//                                                 once every job is completed or failed
//   {"op": "attempted", "id": ID, "n": N}       → {"event": "attempted", "job": facts}
//                                                 once the job has failed N attempts
//   {"op": "end"}                               → obliterates the queue and exits
import readline from 'node:readline';
import { bullmq, connection, emit, main, prefix, until, facts } from './lib.mjs';

const [version, name] = process.argv.slice(2);
const WAIT_MS = 40000;

main(async () => {
  const { Queue, Job } = await bullmq(version);
  const queue = new Queue(name, { connection: connection(), prefix });
  const ended = async (id) => ['completed', 'failed'].includes(await (await Job.fromId(queue, id))?.getState());

  for await (const line of readline.createInterface({ input: process.stdin })) {
    if (!line.trim()) continue;
    const cmd = JSON.parse(line);
    if (cmd.op === 'add') {
      const ids = [];
      for (const { data, opts } of cmd.jobs) ids.push((await queue.add('audit', data, opts ?? {})).id);
      emit('added', { ids });
    } else if (cmd.op === 'wait') {
      const done = await until(async () => (await Promise.all(cmd.ids.map(ended))).every(Boolean), WAIT_MS);
      if (!done) throw new Error(`jobs ${cmd.ids} did not finish`);
      const jobs = [];
      for (const id of cmd.ids) jobs.push(await facts(Job, queue, id));
      emit('finished', { jobs, counts: await queue.getJobCounts() });
    } else if (cmd.op === 'attempted') {
      const enough = async () => ((await Job.fromId(queue, cmd.id))?.attemptsMade ?? 0) >= cmd.n;
      if (!(await until(enough, WAIT_MS))) throw new Error(`job ${cmd.id} did not fail ${cmd.n} attempts`);
      emit('attempted', { job: await facts(Job, queue, cmd.id) });
    } else if (cmd.op === 'end') {
      break;
    } else {
      throw new Error(`unknown command ${line}`);
    }
  }
  await queue.obliterate({ force: true });
  await queue.close();
});
