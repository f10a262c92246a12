// The concurrency sweep (bench/run --sweep): the Rust CLI and both Node workers at each
// concurrency of BENCH_SWEEP (8,32,128), rounds alternating the order of the sides, then each
// side at its own best concurrency (most pages/s) and the ratios between those bests.
import { join } from 'node:path';
import { measure } from './measure.mjs';
import { readResults } from './results.mjs';
import { BENCH, WORK, BIN, log, settings, corpus as makeCorpus, startServer, median, table } from './common.mjs';

const quick = process.argv.includes('--quick');
const cfg = settings(quick);
const levels = (process.env.BENCH_SWEEP ?? '8,32,128').split(',').map(Number);
const { leads } = makeCorpus(cfg);
const stop = await startServer(makeCorpus(cfg).dir);

const args = (c) => ['--concurrency', String(c), '--timeout', String(cfg.timeout), '--request-timeout', String(cfg.requestTimeout)];
const sides = {
  rust: (c, out) => [BIN('lead-audit'), ['audit', '--input', leads, '--output', out, '--format', 'jsonl', '--allow-private-networks', '--no-domain-lookup', '--browser', 'never', ...args(c)]],
  typical: (c, out) => ['node', [join(BENCH, 'node/typical.mjs'), '--input', leads, '--output', out, ...args(c)]],
  tuned: (c, out) => ['node', [join(BENCH, 'node/tuned.mjs'), '--input', leads, '--output', out, ...args(c)]],
};
const runs = {}; // `${side}@${c}` → measurements
const order = Object.keys(sides);
for (let r = 0; r < cfg.rounds; r++) {
  for (const c of levels) {
    const turn = order.map((_, i) => order[(i + r) % order.length]);
    for (const side of turn) {
      const out = join(WORK, `sweep-${side}-${c}-${r}.jsonl`);
      const [cmd, a] = sides[side](c, out);
      const m = await measure(cmd, a, { stdout: 'ignore' });
      if (m.code !== 0) throw new Error(`${side} at ${c} exited with ${m.code}`);
      const res = readResults(out);
      m.pages = [...res.values()].reduce((s, x) => s + x.pages, 0);
      (runs[`${side}@${c}`] ??= []).push(m);
      log(`round ${r + 1}/${cfg.rounds} ${side} at ${c}: ${(m.pages / m.wall_s).toFixed(0)} pages/s, peak ${m.peak_rss_mb.toFixed(0)} MB, cpu ${m.cpu_s.toFixed(1)} s`);
    }
  }
}
stop();

const at = (side, c) => {
  const ms = runs[`${side}@${c}`];
  return {
    pages_s: median(ms.map((m) => m.pages / m.wall_s)),
    rss: median(ms.map((m) => m.peak_rss_mb)),
    cpu1k: median(ms.map((m) => (1000 * m.cpu_s) / m.pages)),
  };
};
const rows = [['side', 'concurrency', 'pages/s', 'peak RSS MB', 'CPU-s/1k pages']];
const best = {};
for (const side of order) {
  for (const c of levels) {
    const s = at(side, c);
    rows.push([side, String(c), s.pages_s.toFixed(0), s.rss.toFixed(0), s.cpu1k.toFixed(2)]);
    if (!best[side] || s.pages_s > best[side].pages_s) best[side] = { ...s, c };
  }
}
console.log(`\ncorpus: ${cfg.sites} sites (seed ${cfg.seed}), ${cfg.rounds} rounds, medians; concurrency ${levels.join(', ')}`);
console.log(table(rows));
for (const side of order) console.log(`best ${side}: concurrency ${best[side].c}, ${best[side].pages_s.toFixed(0)} pages/s, ${best[side].rss.toFixed(0)} MB`);
for (const node of ['typical', 'tuned']) {
  const R = best.rust;
  const N = best[node];
  console.log(`rust/${node} at their best: pages/s ${(R.pages_s / N.pages_s).toFixed(1)}x, peak RSS ${node}/rust ${(N.rss / R.rss).toFixed(1)}x`);
}
