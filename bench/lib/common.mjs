// What the benchmark runs share: settings from the environment, paths, the cached corpus, the
// corpus server, medians and the text table.
import { spawn, execFileSync } from 'node:child_process';
import { existsSync, readFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { createHash } from 'node:crypto';

export const BENCH = new URL('..', import.meta.url).pathname;
export const WORK = join(BENCH, '.work');
const TARGET = process.env.CARGO_TARGET_DIR ?? join(BENCH, '..', 'target');
/** A release binary of the product workspace or of bench/rust (same target dir). */
export const BIN = (n) => join(TARGET, 'release', n);
export const log = (...a) => console.error('[bench]', ...a);

/** Sites, rounds and the audit settings every side gets. */
export function settings(quick) {
  return {
    sites: Number(process.env.BENCH_SITES ?? (quick ? 100 : 400)),
    rounds: Number(process.env.BENCH_ROUNDS ?? (quick ? 2 : 3)),
    concurrency: Number(process.env.BENCH_CONCURRENCY ?? 32),
    seed: Number(process.env.BENCH_SEED ?? 42),
    port: Number(process.env.BENCH_PORT ?? 18080),
    timeout: 15,
    requestTimeout: 4,
  };
}

/** The corpus for `cfg`, generated once into bench/.work → {dir, manifest, leads (path of leads.jsonl)}. */
export function corpus(cfg) {
  // The generator's own text is part of the cache key: a changed generator makes a new corpus.
  const genHash = createHash('sha256').update(readFileSync(join(BENCH, 'corpus/gen.mjs'))).update(readFileSync(join(BENCH, 'corpus/stacks.mjs'))).digest('hex').slice(0, 8);
  const dir = join(WORK, `corpus-${cfg.sites}-${cfg.seed}-${genHash}`);
  mkdirSync(WORK, { recursive: true });
  if (!existsSync(join(dir, 'manifest.json'))) {
    log(`generating ${cfg.sites} sites (seed ${cfg.seed})`);
    execFileSync('node', [join(BENCH, 'corpus/gen.mjs'), dir, String(cfg.sites), String(cfg.seed), String(cfg.port)], { stdio: 'inherit' });
  }
  const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
  return { dir, manifest, leads: join(dir, 'leads.jsonl') };
}

/** Starts the corpus server on `dir`, one thread (on a small machine the clients need the other
 *  cores); resolves once it is ready with a function that stops it (also called on exit). */
export async function startServer(dir) {
  const server = spawn(BIN('corpus-server'), [dir, process.env.BENCH_SERVER_THREADS ?? '1'], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise((resolve, reject) => {
    server.stdout.on('data', (d) => d.toString().includes('ready') && resolve());
    server.on('exit', (c) => reject(new Error(`corpus server exited with ${c}`)));
  });
  const stop = () => server.kill('SIGTERM');
  process.on('exit', stop);
  return stop;
}

export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** The p-th percentile of an ascending array (nearest rank below). */
export const pct = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

/** Rows of strings as aligned text: the first column left, the others right. */
export function table(rows) {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  const line = (r) => r.map((c, i) => (i ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ');
  return rows.map(line).join('\n');
}
