// The typical Node.js lead worker: one process, global fetch, default `cheerio.load`,
// fingerprints matched technology by technology.
import { readFileSync, createWriteStream } from 'node:fs';
import * as cheerio from 'cheerio';
import { runAll, parseArgs, HostLimiter, USER_AGENT } from './lib/lead.mjs';
import { loadFingerprints, detectNaive } from './lib/fingerprints.mjs';
import { walk, cookies } from './lib/page.mjs';
import { linkUrl } from './lib/rules.mjs';

const opts = parseArgs(process.argv.slice(2));
const fp = loadFingerprints();
const leads = readFileSync(opts.input, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
const out = createWriteStream(opts.output);

async function send(url, timeoutMs) {
  let res;
  try {
    res = await fetch(url, {
      headers: { 'user-agent': USER_AGENT, accept: 'text/html,application/xhtml+xml;q=0.9,*/*;q=0.5' },
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (e) {
    throw Object.assign(e, { kind: e.name === 'TimeoutError' ? 'timeout' : 'connect' });
  }
  const headers = [...res.headers].map(([k, v]) => [k.toLowerCase(), v]);
  let body;
  try { body = await res.text(); } catch (e) { throw Object.assign(e, { kind: 'timeout' }); }
  return { status: res.status, headers, body };
}

function analyze(url, res) {
  const $ = cheerio.load(res.body);
  const { contacts } = walk($.root()[0], url, false);
  const links = [];
  $('a[href]').each((_, a) => {
    const u = linkUrl($(a).attr('href'), url);
    if (!u) return;
    let text = $(a).text();
    if (!text.trim()) text = $(a).attr('title') ?? $(a).attr('aria-label') ?? '';
    const inFooter = $(a).closest('footer, [id*=footer i], [class*=footer i], [role=contentinfo]').length > 0;
    links.push({ url: u, text: text.trim().toLowerCase(), inFooter });
  });
  const meta = [];
  $('meta[content]').each((_, m) => {
    const name = $(m).attr('name') ?? $(m).attr('property');
    if (name !== undefined) meta.push([name.toLowerCase(), $(m).attr('content')]);
  });
  const scriptSrcs = [];
  const scripts = [];
  $('script').each((_, s) => {
    const src = $(s).attr('src');
    if (src !== undefined) {
      try { scriptSrcs.push(new URL(src, url).href); } catch { scriptSrcs.push(src); }
    } else scripts.push($(s).text());
  });
  const technologies = detectNaive(fp, {
    url: url.href, html: res.body, headers: res.headers, cookies: cookies(res.headers), meta, scriptSrcs, scripts,
    dom: (sel) => { try { return $(sel).length > 0; } catch { return false; } },
  });
  return { contacts, links, technologies };
}

const env = { opts, send, analyze, limiter: new HostLimiter(opts.perHost) };
await runAll(env, leads, opts.concurrency, (r) => out.write(JSON.stringify(r) + '\n'));
out.end();
