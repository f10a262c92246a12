// The fingerprint JSON of crates/lead-audit-detect/data (Wappalyzer format), compiled for
// two matchers: `detectNaive` (technology by technology, regex by regex, as such workers are
// usually written) and `detectPrefiltered` (a required literal per pattern checked with
// `includes` before its regex runs, every input lowercased once).
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const DIR = fileURLToPath(new URL('../../../crates/lead-audit-detect/data/', import.meta.url));
const HTML_CAP = 2 << 20;
const SCRIPT_CAP = 512 << 10;

function compile(raw) {
  const [src, ...tags] = String(raw).split('\\;');
  let re = null;
  try {
    re = src === '' ? null : new RegExp(src, 'i');
  } catch {
    return null; // a pattern JavaScript cannot compile counts as absent
  }
  const conf = tags.find((t) => t.startsWith('confidence:'));
  return { re, literal: requiredLiteral(src), confidence: conf ? Number(conf.slice(11)) : 100 };
}

// The longest run of plain characters every match must contain (none when the pattern has an
// alternation or optional parts around it): a cheap `includes` rules most patterns out.
function requiredLiteral(src) {
  if (src.includes('|')) return '';
  let best = '';
  let cur = '';
  let depth = 0;
  for (let i = 0; i < src.length; i++) {
    const c = src[i];
    if (c === '\\') {
      const n = src[i + 1];
      i++;
      if (/[.\-/\\()[\]{}?*+^$|'"]/.test(n) && depth === 0) { cur += n; continue; }
    } else if (c === '(' || c === '[') {
      depth++;
    } else if (c === ')' || c === ']') {
      depth--;
      if ('?*{'.includes(src[i + 1] ?? '')) cur = cur.slice(0, -1);
    } else if ('?*{'.includes(c)) {
      cur = cur.slice(0, -1);
    } else if (depth === 0 && !'.+^$'.includes(c)) {
      cur += c;
      continue;
    }
    if (cur.length > best.length) best = cur;
    cur = '';
  }
  if (cur.length > best.length) best = cur;
  return best.length >= 3 ? best.toLowerCase() : '';
}

const list = (v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
const map = (o) => Object.entries(o ?? {}).map(([k, v]) => [k.toLowerCase(), list(v).map(compile).filter(Boolean)]);

export function loadFingerprints() {
  const techs = [];
  for (const f of readdirSync(DIR + 'technologies').sort()) {
    const data = JSON.parse(readFileSync(`${DIR}technologies/${f}`, 'utf8'));
    for (const [name, t] of Object.entries(data)) {
      techs.push({
        name,
        url: list(t.url).map(compile).filter(Boolean),
        html: list(t.html).map(compile).filter(Boolean),
        scriptSrc: list(t.scriptSrc).map(compile).filter(Boolean),
        scripts: list(t.scripts).map(compile).filter(Boolean),
        headers: map(t.headers),
        cookies: map(t.cookies),
        meta: map(t.meta),
        dom: Array.isArray(t.dom) ? t.dom : Object.keys(t.dom ?? {}),
        implies: list(t.implies).map((s) => String(s).split('\\;')[0]),
        excludes: list(t.excludes),
        requires: list(t.requires),
      });
    }
  }
  const categories = JSON.parse(readFileSync(DIR + 'categories.json', 'utf8'));
  return { techs, categories };
}

/** Inputs of one page: url, raw html, [name,value] headers (lowercase), cookies, meta, scriptSrcs, scripts, dom(selector)→bool. */
function test(p, hay, lower) {
  if (!p.re) return true;
  if (lower !== undefined && p.literal && !lower.includes(p.literal)) return false;
  return p.re.test(hay);
}

function detect(fp, page, prefilter) {
  const html = page.html.length > HTML_CAP ? page.html.slice(0, HTML_CAP) : page.html;
  const low = prefilter ? (s) => s.toLowerCase() : () => undefined;
  const htmlLow = low(html);
  const urlLow = low(page.url);
  const scripts = page.scripts.map((s) => (s.length > SCRIPT_CAP ? s.slice(0, SCRIPT_CAP) : s));
  const scriptsLow = scripts.map(low);
  const srcLow = page.scriptSrcs.map(low);
  const named = (pairs) => {
    const m = new Map();
    for (const [k, v] of pairs) m.set(k, [v, low(v)]);
    return m;
  };
  const headers = named(page.headers);
  const cookies = named(page.cookies);
  const meta = named(page.meta);
  const found = new Set();
  for (const t of fp.techs) {
    let hit = t.url.some((p) => test(p, page.url, urlLow)) ||
      t.html.some((p) => test(p, html, htmlLow)) ||
      t.scriptSrc.some((p) => page.scriptSrcs.some((s, i) => test(p, s, srcLow[i]))) ||
      t.scripts.some((p) => scripts.some((s, i) => test(p, s, scriptsLow[i])));
    for (const [group, pairs] of [[t.headers, headers], [t.cookies, cookies], [t.meta, meta]]) {
      if (hit) break;
      for (const [k, pats] of group) {
        const v = pairs.get(k);
        if (v !== undefined && (pats.length === 0 || pats.some((p) => test(p, v[0], v[1])))) { hit = true; break; }
      }
    }
    if (!hit && t.dom.length) hit = t.dom.some((sel) => page.dom(sel));
    if (hit) found.add(t.name);
  }
  return resolve(fp, found);
}

const byName = new WeakMap();
function resolve(fp, found) {
  let idx = byName.get(fp);
  if (!idx) { idx = new Map(fp.techs.map((t) => [t.name, t])); byName.set(fp, idx); }
  const queue = [...found];
  while (queue.length) {
    const t = idx.get(queue.pop());
    for (const i of t?.implies ?? []) if (!found.has(i) && idx.has(i)) { found.add(i); queue.push(i); }
  }
  for (const n of [...found]) {
    const t = idx.get(n);
    if (t.requires.length && !t.requires.some((r) => found.has(r))) found.delete(n);
  }
  for (const n of [...found]) for (const x of idx.get(n)?.excludes ?? []) found.delete(x);
  return [...found];
}

export const detectNaive = (fp, page) => detect(fp, page, false);
export const detectPrefiltered = (fp, page) => detect(fp, page, true);
