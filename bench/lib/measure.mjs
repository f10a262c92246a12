// Runs a command and measures its whole process tree from /proc: wall time, CPU seconds
// (user + system of every process ever seen in the tree) and peak RSS (the largest sum of
// the tree's resident sets at any sample).
import { spawn } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';

const TICK = 100; // USER_HZ on Linux
const PAGE_KB = 4;

function stat(pid) {
  try {
    const s = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
    // fields after the name: state(0) ppid(1) … utime(11) stime(12) … rss(21)
    return { ppid: Number(f[1]), cpu: (Number(f[11]) + Number(f[12])) / TICK, rssKb: Number(f[21]) * PAGE_KB };
  } catch {
    return null;
  }
}

function tree(root) {
  const children = new Map();
  const info = new Map();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    const s = stat(d);
    if (!s) continue;
    info.set(Number(d), s);
    if (!children.has(s.ppid)) children.set(s.ppid, []);
    children.get(s.ppid).push(Number(d));
  }
  const out = [];
  const stack = [root];
  while (stack.length) {
    const p = stack.pop();
    const s = info.get(p);
    if (!s) continue;
    out.push([p, s]);
    stack.push(...(children.get(p) ?? []));
  }
  return out;
}

/** → {code, stdout (when piped), wall_s, cpu_s, peak_rss_mb} */
export function measure(cmd, args, { env, stdout = 'ignore', intervalMs = 20 } = {}) {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(cmd, args, { env: { ...process.env, ...env }, stdio: ['ignore', stdout, 'inherit'] });
    let out = '';
    child.stdout?.on('data', (d) => { out += d; });
    const cpu = new Map();
    let peak = 0;
    const sample = () => {
      let rss = 0;
      for (const [pid, s] of tree(child.pid)) {
        cpu.set(pid, s.cpu);
        rss += s.rssKb;
      }
      peak = Math.max(peak, rss);
    };
    const timer = setInterval(sample, intervalMs);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearInterval(timer);
      const wall = Number(process.hrtime.bigint() - started) / 1e9;
      let cpuS = 0;
      for (const v of cpu.values()) cpuS += v;
      resolve({ code, stdout: out, wall_s: wall, cpu_s: cpuS, peak_rss_mb: peak / 1024 });
    });
  });
}
