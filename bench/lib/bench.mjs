// The benchmark run (called by bench/run once tools are built and packages installed):
// corpus → server → server ceiling (wrk) → parser ceiling → rounds of Rust CLI / typical Node /
// tuned Node / Rust fetch-only, alternating → table and summary line.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { cpus, totalmem, availableParallelism } from 'node:os';
import { join } from 'node:path';
import { measure } from './measure.mjs';
import { readResults, checksum, agreement } from './results.mjs';
import { BENCH, WORK, BIN, log, settings, corpus as makeCorpus, startServer, median, pct, table } from './common.mjs';

const quick = process.argv.includes('--quick');
const cfg = settings(quick);

// 1. corpus
const { dir: corpus, manifest, leads } = makeCorpus(cfg);

// 2. server
const stop = await startServer(corpus);

// 3. the server's own ceiling: every HTML page of the healthy sites, through one address.
const paths = [];
manifest.sites.forEach((s, i) => {
  if (s.behavior !== 'ok') return;
  for (const [p, spec] of Object.entries(s.pages)) if (spec.type.startsWith('text/html')) paths.push(`/s/${i}${p}`);
});
writeFileSync(join(WORK, 'paths.lua'), `local paths = {${paths.map((p) => JSON.stringify(p)).join(',')}}
local i = 0
request = function() i = i + 1; return wrk.format("GET", paths[(i % #paths) + 1]) end
`);
let ceiling = null;
try {
  const out = execFileSync('wrk', ['-t1', '-c32', `-d${quick ? 3 : 8}s`, '-s', join(WORK, 'paths.lua'), `http://127.0.0.1:${cfg.port}/`], { encoding: 'utf8' });
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1]);
  const tr = /Transfer\/sec:\s+([\d.]+)(\w+)/.exec(out);
  const mb = tr ? Number(tr[1]) * ({ KB: 1 / 1024, MB: 1, GB: 1024 }[tr[2]] ?? 1) : NaN;
  ceiling = { rps, mbps: mb };
  log(`server ceiling: ${rps.toFixed(0)} pages/s, ${mb.toFixed(0)} MB/s`);
} catch (e) {
  log(`wrk failed: ${e.message}`);
}

// 4. the parser's single-core throughput
const parse = JSON.parse(execFileSync(BIN('parse-ceiling'), [corpus, quick ? '2' : '5'], { encoding: 'utf8' }));
log(`parser: ${parse.mb_per_s} MB/s, ${parse.pages_per_s} pages/s on one core`);

// 5. rounds, alternating the order of the sides
const common = ['--concurrency', String(cfg.concurrency), '--timeout', String(cfg.timeout), '--request-timeout', String(cfg.requestTimeout)];
const cliArgs = (out) => ['audit', '--input', leads, '--output', out, '--format', 'jsonl', '--allow-private-networks', '--no-domain-lookup', '--browser', 'never', ...common];
// BENCH_BEFORE=/path/to/an/earlier/lead-audit adds that build as a side: before/after in one run.
const before = process.env.BENCH_BEFORE;
const sides = {
  rust: (out) => [BIN('lead-audit'), cliArgs(out)],
  before: (out) => [before, cliArgs(out)],
  typical: (out) => ['node', [join(BENCH, 'node/typical.mjs'), '--input', leads, '--output', out, ...common]],
  tuned: (out) => ['node', [join(BENCH, 'node/tuned.mjs'), '--input', leads, '--output', out, ...common]],
  fetchonly: (out) => [BIN('fetch-ceiling'), [join(WORK, 'rust-0.jsonl'), String(cfg.concurrency), String(cfg.timeout), String(cfg.requestTimeout)]],
};
const runs = { rust: [], typical: [], tuned: [], fetchonly: [], ...(before ? { before: [] } : {}) };
const order = ['rust', 'typical', 'tuned', 'fetchonly', ...(before ? ['before'] : [])];
for (let r = 0; r < cfg.rounds; r++) {
  const turn = order.map((_, i) => order[(i + r) % order.length]);
  if (r === 0) turn.sort((a, b) => (a === 'fetchonly') - (b === 'fetchonly')); // needs rust-0.jsonl
  for (const side of turn) {
    const out = join(WORK, `${side}-${r}.jsonl`);
    const [cmd, args] = sides[side](out);
    const m = await measure(cmd, args, { stdout: side === 'fetchonly' ? 'pipe' : 'ignore' });
    if (m.code !== 0) throw new Error(`${side} exited with ${m.code}`);
    if (side === 'fetchonly') {
      const last = JSON.parse(m.stdout);
      m.pages = last.pages;
      m.leads = last.leads;
      m.bytes = last.bytes;
    } else {
      const res = readResults(out);
      m.results = res;
      m.leads = res.size;
      m.pages = [...res.values()].reduce((s, x) => s + x.pages, 0);
      m.durations = [...res.values()].map((x) => x.durationMs).sort((a, b) => a - b);
    }
    runs[side].push(m);
    log(`round ${r + 1}/${cfg.rounds} ${side}: ${m.wall_s.toFixed(2)} s, ${(m.pages / m.wall_s).toFixed(0)} pages/s, cpu ${m.cpu_s.toFixed(2)} s, peak ${m.peak_rss_mb.toFixed(0)} MB`);
  }
}

const summary = {};
for (const [side, ms] of Object.entries(runs)) {
  if (!ms.length) continue;
  const durations = ms.flatMap((m) => m.durations ?? []).sort((a, b) => a - b);
  summary[side] = {
    leads_s: median(ms.map((m) => m.leads / m.wall_s)),
    pages_s: median(ms.map((m) => m.pages / m.wall_s)),
    p50: durations.length ? pct(durations, 50) : NaN,
    p99: durations.length ? pct(durations, 99) : NaN,
    rss: median(ms.map((m) => m.peak_rss_mb)),
    cpu1k: median(ms.map((m) => (1000 * m.cpu_s) / m.pages)),
    pagesPerCpu: median(ms.map((m) => m.pages / m.cpu_s)),
  };
}
const base = runs.rust[0].results;
const agree = {};
for (const side of ['rust', 'typical', 'tuned', ...(before ? ['before'] : [])]) {
  const a = runs[side].map((m) => agreement(base, m.results).all);
  agree[side] = { pct: Math.min(...a), sum: checksum(runs[side][0].results), diffs: agreement(base, runs[side][0].results).diffs };
}

// 6. table
const rows = [['side', 'leads/s', 'pages/s', 'p50 ms', 'p99 ms', 'peak RSS MB', 'CPU-s/1k pages', 'checksum', 'agree %']];
const names = { rust: 'rust (CLI)', typical: 'node typical', tuned: 'node tuned', fetchonly: 'rust fetch-only', before: 'rust (CLI, BENCH_BEFORE)' };
for (const [side, s] of Object.entries(summary)) {
  rows.push([names[side], s.leads_s.toFixed(1), s.pages_s.toFixed(0), isNaN(s.p50) ? '-' : String(s.p50), isNaN(s.p99) ? '-' : String(s.p99),
    s.rss.toFixed(0), s.cpu1k.toFixed(2), agree[side]?.sum ?? '-', agree[side] ? agree[side].pct.toFixed(1) : '-']);
}
const R = summary.rust;
const ratio = (a, b) => (b ? a / b : NaN);
const cores = availableParallelism();
console.log(`\nmachine: ${cores} cores, ${cpus()[0]?.model ?? '?'}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB; ` +
  `corpus: ${cfg.sites} sites (seed ${cfg.seed}), concurrency ${cfg.concurrency}, ${cfg.rounds} rounds, medians`);
console.log(table(rows));
console.log(`\nratios rust/typical: pages/s ${ratio(R.pages_s, summary.typical.pages_s).toFixed(1)}x, pages per CPU-s ${ratio(R.pagesPerCpu, summary.typical.pagesPerCpu).toFixed(1)}x, peak RSS typical/rust ${ratio(summary.typical.rss, R.rss).toFixed(1)}x`);
console.log(`ratios rust/tuned:   pages/s ${ratio(R.pages_s, summary.tuned.pages_s).toFixed(1)}x, pages per CPU-s ${ratio(R.pagesPerCpu, summary.tuned.pagesPerCpu).toFixed(1)}x, peak RSS tuned/rust ${ratio(summary.tuned.rss, R.rss).toFixed(1)}x`);
if (summary.before) {
  const B = summary.before;
  console.log(`after/before:        pages/s ${ratio(R.pages_s, B.pages_s).toFixed(2)}x, CPU-s/1k pages ${B.cpu1k.toFixed(2)} -> ${R.cpu1k.toFixed(2)}, peak RSS ${B.rss.toFixed(0)} -> ${R.rss.toFixed(0)} MB`);
}
console.log(`limits: server ${ceiling ? `${ceiling.rps.toFixed(0)} pages/s (${ceiling.mbps.toFixed(0)} MB/s, wrk 1 thread, 32 connections)` : 'not measured'}; ` +
  `parser ${parse.mb_per_s} MB/s on one core x ${cores} cores = ${(parse.mb_per_s * cores).toFixed(0)} MB/s (${(parse.pages_per_s * cores).toFixed(0)} pages/s); ` +
  `rust fetch-only ${summary.fetchonly ? summary.fetchonly.pages_s.toFixed(0) : '?'} pages/s; browser fallback: 0% of pages (--browser never)`);
for (const side of ['typical', 'tuned']) for (const d of agree[side].diffs) console.log(`  differs (${side}): ${d}`);
const ofCeiling = summary.fetchonly ? (100 * R.pages_s) / summary.fetchonly.pages_s : NaN;
console.log(`rust/typical pages/s = ${ratio(R.pages_s, summary.typical.pages_s).toFixed(1)}x, rust/tuned pages per cpu-s = ${ratio(R.pagesPerCpu, summary.tuned.pagesPerCpu).toFixed(1)}x, typical/rust peak RSS = ${ratio(summary.typical.rss, R.rss).toFixed(1)}x, rust at ${ofCeiling.toFixed(0)}% of its fetch-only ceiling`);
stop();
