// The tuned Node.js lead worker: one process per core (node:cluster, the primary hands out
// leads), undici `request` with keep-alive, htmlparser2's DOM, links/metas/scripts gathered
// in the contact walk, and a literal prefilter before each fingerprint regex.
import cluster from 'node:cluster';
import { availableParallelism } from 'node:os';
import { readFileSync, createWriteStream } from 'node:fs';
import { parseArgs, HostLimiter } from './lib/lead.mjs';

const opts = parseArgs(process.argv.slice(2));
const workers = opts.workers ?? availableParallelism();

if (cluster.isPrimary) {
  const leads = readFileSync(opts.input, 'utf8').split('\n').filter(Boolean);
  const out = createWriteStream(opts.output);
  let next = 0;
  // Each worker keeps its share of the concurrency busy; the primary refills on demand.
  const per = Math.max(1, Math.floor(opts.concurrency / workers));
  const extra = opts.concurrency - per * workers;
  for (let w = 0; w < workers; w++) {
    const worker = cluster.fork();
    const slots = per + (w < extra ? 1 : 0);
    const give = () => {
      if (next < leads.length) worker.send(leads[next++]);
      else worker.send(null);
    };
    worker.on('message', (line) => {
      // The worker says `ready` once its modules are loaded; messages sent earlier are lost.
      if (line === 'ready') { for (let i = 0; i < slots; i++) give(); return; }
      out.write(line + '\n');
      give();
    });
  }
  let exited = 0;
  cluster.on('exit', () => { if (++exited === workers) out.end(); });
} else {
  const { undiciSender } = await import('./lib/undici.mjs');
  const { parseDocument } = await import('htmlparser2');
  const { selectOne } = await import('css-select');
  const { loadFingerprints, detectPrefiltered } = await import('./lib/fingerprints.mjs');
  const { walk, cookies } = await import('./lib/page.mjs');
  const { auditLead } = await import('./lib/lead.mjs');
  const fp = loadFingerprints();
  const send = undiciSender(opts.perHost);

  const analyze = (url, res) => {
    const doc = parseDocument(res.body);
    const w = walk(doc, url, true);
    const technologies = detectPrefiltered(fp, {
      url: url.href, html: res.body, headers: res.headers, cookies: cookies(res.headers),
      meta: w.meta, scriptSrcs: w.scriptSrcs, scripts: w.scripts,
      dom: (sel) => { try { return selectOne(sel, doc) !== null; } catch { return false; } },
    });
    return { contacts: w.contacts, links: w.links, technologies };
  };

  const env = { opts, send, analyze, limiter: new HostLimiter(opts.perHost) };
  let active = 0;
  let ending = false;
  process.on('message', async (line) => {
    if (line === null) {
      ending = true;
      if (active === 0) process.exit(0);
      return;
    }
    active++;
    const r = await auditLead(env, JSON.parse(line));
    active--;
    process.send(JSON.stringify(r));
    if (ending && active === 0) process.exit(0);
  });
  process.send('ready');
}
