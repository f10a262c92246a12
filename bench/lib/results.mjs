// Reading a side's results (Rust `AuditResult` JSONL or a Node baseline's JSONL) into one
// shape, and the checksum that proves two sides found the same things.
import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';

/** → Map(url → {emails, phones, technologies, pages, durationMs}) */
export function readResults(file) {
  const m = new Map();
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    const r = JSON.parse(line);
    m.set(r.url, {
      emails: [...r.emails].sort(),
      phones: [...r.phones].sort(),
      technologies: r.technologies.map((t) => (typeof t === 'string' ? t : t.name)).sort(),
      pages: r.pages.length,
      durationMs: r.durationMs,
    });
  }
  return m;
}

const key = (r) => JSON.stringify([r.emails, r.phones, r.technologies]);

/** sha256 over every lead's (emails, phones, technologies), leads in URL order. */
export function checksum(results) {
  const h = createHash('sha256');
  for (const url of [...results.keys()].sort()) h.update(url + key(results.get(url)) + '\n');
  return h.digest('hex').slice(0, 12);
}

/** Share of leads where `b` found exactly what `a` found, overall and per field; first differences. */
export function agreement(a, b) {
  let all = 0;
  const field = { emails: 0, phones: 0, technologies: 0 };
  const diffs = [];
  for (const [url, ra] of a) {
    const rb = b.get(url) ?? { emails: [], phones: [], technologies: [] };
    if (key(ra) === key(rb)) all++;
    for (const f of Object.keys(field)) {
      if (JSON.stringify(ra[f]) === JSON.stringify(rb[f])) field[f]++;
      else if (diffs.length < 6) {
        diffs.push(`${url} ${f}: only-a=${ra[f].filter((x) => !rb[f].includes(x))} only-b=${rb[f].filter((x) => !ra[f].includes(x))}`);
      }
    }
  }
  const pct = (n) => (a.size ? (100 * n) / a.size : 100);
  return {
    all: pct(all),
    emails: pct(field.emails),
    phones: pct(field.phones),
    technologies: pct(field.technologies),
    diffs,
  };
}

// Run directly: node results.mjs a.jsonl b.jsonl → agreement and differences.
if (import.meta.url === `file://${process.argv[1]}`) {
  const [a, b] = process.argv.slice(2).map(readResults);
  console.log(JSON.stringify(agreement(a, b), null, 1));
}
