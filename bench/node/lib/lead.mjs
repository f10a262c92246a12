// One lead, with the crawl rules of the Rust pipeline: home page; robots.txt, sitemap and
// favicon beside its analysis; then up to 5 contact-like same-site pages allowed by robots.txt,
// two at a time per host; retries on connect errors / 429 / 5xx with 250 ms·2^n backoff.
import * as R from './rules.mjs';

export const USER_AGENT = 'lead-audit/0.1.0 (+https://github.com/lead-audit/lead-audit; website audit bot)';

/** Bounds requests per host across all leads of the process. */
export class HostLimiter {
  constructor(perHost) { this.perHost = perHost; this.hosts = new Map(); }
  async run(host, fn) {
    let h = this.hosts.get(host);
    if (!h) { h = { active: 0, queue: [] }; this.hosts.set(host, h); }
    if (h.active >= this.perHost) await new Promise((r) => h.queue.push(r));
    h.active++;
    try { return await fn(); } finally {
      h.active--;
      const next = h.queue.shift();
      if (next) next();
      else if (h.active === 0) this.hosts.delete(host);
    }
  }
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const retryable = (s) => s === 429 || s === 500 || s === 502 || s === 503 || s === 504;

/** `send(url, timeoutMs)` → {status, headers: [[k,v]], body: string}; throws on network errors / timeouts. */
export async function get(env, url, deadline) {
  return env.limiter.run(url.host, async () => {
    for (let attempt = 0; ; attempt++) {
      const left = deadline - Date.now();
      if (left < 20) throw Object.assign(new Error('budget spent'), { kind: 'timeout' });
      let res;
      let err;
      try { res = await env.send(url, Math.min(left, env.opts.requestTimeoutMs)); } catch (e) { err = e; }
      if (err && err.kind === 'timeout') throw err;
      if (res && !retryable(res.status)) return res;
      const backoff = 250 << Math.min(attempt, 4);
      if (attempt >= env.opts.retries || Date.now() + backoff + 100 >= deadline) {
        if (res) return res;
        throw err;
      }
      await sleep(backoff);
    }
  });
}

const header = (res, name) => res.headers.find(([k]) => k === name)?.[1];
const isHtml = (res) => {
  const ct = header(res, 'content-type');
  if (ct !== undefined) return /text\/html|application\/xhtml/i.test(ct);
  return /<html|<!doctype html/i.test(res.body.slice(0, 512));
};

export async function auditLead(env, lead) {
  const started = Date.now();
  const deadline = started + env.opts.timeoutMs;
  const home = new URL(lead.website);
  const out = { url: home.href, emails: [], phones: [], technologies: [], pages: [], error: null, durationMs: 0 };
  const done = () => { out.durationMs = Date.now() - started; return out; };
  let res;
  try { res = await get(env, home, deadline); } catch (e) { out.error = e.kind ?? 'connect'; return done(); }
  out.pages.push(home.href);
  if (res.status >= 400) { out.error = 'http_status'; return done(); }
  if (!isHtml(res)) { out.error = 'not_html'; return done(); }

  const site = (async () => {
    const robotsUrl = new URL('/robots.txt', home);
    let robots = R.parseRobots('');
    try {
      const r = await get(env, robotsUrl, deadline);
      if (r.status === 200 && !isHtml(r)) robots = R.parseRobots(r.body);
    } catch { /* unreachable robots.txt: everything allowed */ }
    const ok200 = async (path) => {
      try { const r = await get(env, new URL(path, home), deadline); return r.status === 200 && r.body.length > 0; } catch { return null; }
    };
    await Promise.all([robots.sitemaps.length ? true : ok200('/sitemap.xml'), ok200('/favicon.ico')]);
    return robots;
  })();
  // Analysis is synchronous: it runs while the site checks are in flight.
  const visits = [await env.analyze(home, res)];
  const robots = await site;

  const seen = new Set([R.pageKey(home)]);
  const candidates = R.pickPages(visits[0].links, home, env.opts.maxPages, seen).filter((u) => robots.allowed(u));
  const fetched = new Array(candidates.length);
  let next = 0;
  const worker = async () => {
    while (next < candidates.length) {
      const i = next++;
      const u = candidates[i];
      try {
        const r = await get(env, u, deadline);
        if (r.status >= 400 || !isHtml(r)) continue;
        fetched[i] = await env.analyze(u, r);
        out.pages.push(u.href);
      } catch { /* a failed contact page is skipped */ }
    }
  };
  await Promise.all(Array.from({ length: env.opts.perHost }, worker));
  visits.push(...fetched.filter(Boolean));

  const emails = [];
  const tech = new Set();
  for (const v of visits) {
    emails.push(...v.contacts.emails);
    for (const p of v.contacts.phones) if (!out.phones.includes(p)) out.phones.push(p);
    for (const t of v.technologies) tech.add(t);
  }
  out.emails = R.rankEmails(emails);
  out.technologies = [...tech].sort();
  return done();
}

/** Runs `leads` through `auditLead` with `concurrency` in flight, calling `emit` per result. */
export async function runAll(env, leads, concurrency, emit) {
  let next = 0;
  const worker = async () => {
    while (next < leads.length) {
      const lead = leads[next++];
      emit(await auditLead(env, lead));
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, leads.length) }, worker));
}

export function parseArgs(argv) {
  const o = { concurrency: 8, timeoutMs: 30000, requestTimeoutMs: 10000, retries: 2, perHost: 2, maxPages: 5 };
  for (let i = 0; i < argv.length; i++) {
    const [k, v] = [argv[i], argv[i + 1]];
    if (k === '--input') o.input = v;
    else if (k === '--output') o.output = v;
    else if (k === '--concurrency') o.concurrency = Number(v);
    else if (k === '--timeout') o.timeoutMs = Number(v) * 1000;
    else if (k === '--request-timeout') o.requestTimeoutMs = Number(v) * 1000;
    else if (k === '--workers') o.workers = Number(v);
    else continue;
    i++;
  }
  if (!o.input || !o.output) throw new Error('usage: --input leads.jsonl --output results.jsonl [--concurrency N] [--timeout S] [--request-timeout S]');
  return o;
}
