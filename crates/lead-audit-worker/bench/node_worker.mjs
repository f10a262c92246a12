// The Node side of the queue-overhead benchmark: a BullMQ Worker with a no-op processor.
// Usage: node node_worker.mjs bullmq5|bullmq6 QUEUE CONCURRENCY  (cwd: tests/node)
import { createRequire } from 'node:module';
import path from 'node:path';

const [version, name, concurrency] = process.argv.slice(2);
const require = createRequire(path.join(process.cwd(), 'package.json'));
const { Worker } = require(version);
const url = new URL(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
const worker = new Worker(name, async () => null, {
  connection: { host: url.hostname, port: Number(url.port || 6379), maxRetriesPerRequest: null },
  concurrency: Number(concurrency),
});
process.on('SIGTERM', async () => {
  await worker.close();
  process.exit(0);
});
