// The extraction and crawl rules of the Rust pipeline (SPEC §4.2, §4.4), written the way a
// Node worker would: emails, phones (libphonenumber-js), socials, link ranking, robots.txt.
// Both baselines share these rules; they differ in parser, HTTP client, matcher and processes.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';

const DATA = fileURLToPath(new URL('../../../crates/lead-audit-core/data/', import.meta.url));
const E = JSON.parse(readFileSync(DATA + 'extract_emails.json', 'utf8'));
const S = JSON.parse(readFileSync(DATA + 'extract_socials.json', 'utf8'));
const sets = Object.fromEntries(Object.entries(E).map(([k, v]) => [k, new Set(v)]));

// ---- emails ------------------------------------------------------------------------------
const EMAIL = /[A-Za-z0-9._%+\-]{1,64}@(?:[\p{L}\p{N}](?:[\p{L}\p{N}\-]{0,61}[\p{L}\p{N}])?\.)+[A-Za-z]{2,24}/gu;
const OBF_AT = /\s*(?:\[\s*(?:at|@|ät)\s*\]|\(\s*(?:at|@|ät)\s*\)|\{\s*(?:at|@)\s*\}|<\s*at\s*>)\s*/giu;
const OBF_DOT = /\s*(?:\[\s*(?:dot|punkt|point)\s*\]|\(\s*(?:dot|punkt|point)\s*\)|\{\s*(?:dot|punkt|point)\s*\}|\s(?:dot|punkt)\s)\s*/giu;
const BARE_AT = /^\W{0,3}([a-z0-9._%+\-]{1,64})\s+at\s+([a-z0-9\-]+(?:\s*(?:\.|\s+dot\s+)\s*[a-z0-9\-]+)+)\W{0,3}$/i;
const OBF_HINT = /\[at|\(at|\{at|\[ at|\( at|\{ at|\[@|\(@|\{@|<at>|\[ät|\(ät| at /i;
const TLDS = /^(?:com|net|org|de|uk|co|io|fr|it|es|nl|at|ch|be|us|ca|au|info|biz|eu|shop|online|store|app|dev|pl|se|dk|no|fi|pt|ie|nz|jp|br|mx|in|cz|ru)$/;

export function normalizeEmail(raw) {
  raw = raw.trim().replace(/^[.<>]+|[.<>]+$/g, '');
  const at = raw.lastIndexOf('@');
  if (at <= 0) return null;
  let local = raw.slice(0, at);
  let domain = raw.slice(at + 1);
  if (local.length > 64 || domain.length > 253) return null;
  if (local.startsWith('.') || local.endsWith('.') || local.includes('..')) return null;
  if (!/^[A-Za-z0-9._%+\-]+$/.test(local)) return null;
  local = local.toLowerCase();
  domain = domain.replace(/\.+$/, '').toLowerCase();
  const labels = domain.split('.');
  if (labels.length < 2) return null;
  const tld = labels[labels.length - 1];
  if (!/^[a-z]+$/.test(tld) || sets.asset_extensions.has(tld) || !TLDS.test(tld)) return null;
  if (labels.length > 2 && /^\d+$/.test(labels[0])) return null;
  if (labels.some((l) => !l || l.length > 63 || l.startsWith('-') || l.endsWith('-'))) return null;
  if (local.length >= 24 && /^[0-9a-f]+$/.test(local) && /\d/.test(local)) return null;
  if (sets.noreply_locals.has(local) || sets.placeholder_locals.has(local)) return null;
  if (sets.placeholder_domains.has(domain) || E.placeholder_domain_labels.includes(labels[0])) return null;
  if (E.blocked_hosts.some((h) => domain === h || domain.endsWith('.' + h))) return null;
  return `${local}@${domain}`;
}

function scanPlain(text, out) {
  for (const m of text.matchAll(EMAIL)) {
    const start = m.index;
    const end = start + m[0].length;
    const before = start > 0 ? text[start - 1] : '';
    const after = text[end] ?? '';
    if ('/:='.includes(before) && before && text.slice(0, start).includes('://')) continue;
    if (before && /[A-Za-z0-9._%+\-]/.test(before)) continue;
    if (after && /[@\-_A-Za-z0-9]/.test(after)) continue;
    const e = normalizeEmail(m[0]);
    if (e) out.push(e);
  }
}

export function scanEmails(text, out) {
  if (text.includes('@')) scanPlain(text, out);
  if (OBF_HINT.test(text)) {
    const de = text.replace(OBF_AT, '@');
    if (de !== text) {
      scanPlain(de.replace(OBF_DOT, '.'), out);
    } else {
      const c = BARE_AT.exec(text.trim());
      if (c) {
        const domain = c[2].replace(OBF_DOT, '.').replace(/\s+/g, '');
        const e = normalizeEmail(`${c[1]}@${domain}`);
        if (e) out.push(e);
      }
    }
  }
}

export function fromMailto(href, out) {
  if (!/^mailto:/i.test(href.trim())) return;
  const rest = href.trim().slice(7).replace(/^\/\//, '');
  let addrs = rest.split(/[?#]/)[0];
  try { addrs = decodeURIComponent(addrs); } catch { /* keep raw */ }
  for (const part of addrs.split(/[,;]/)) {
    const e = normalizeEmail(part);
    if (e) out.push(e);
  }
}

export function decodeCfemail(hex) {
  hex = hex.trim();
  if (hex.length < 4 || hex.length % 2) return null;
  const key = parseInt(hex.slice(0, 2), 16);
  const bytes = [];
  for (let i = 2; i < hex.length; i += 2) bytes.push(parseInt(hex.slice(i, i + 2), 16) ^ key);
  if (bytes.some(Number.isNaN)) return null;
  return normalizeEmail(Buffer.from(bytes).toString('utf8'));
}

export function cfHrefHex(href) {
  const i = href.indexOf('#');
  return i > 0 && href.slice(0, i).includes('/cdn-cgi/l/email-protection') ? href.slice(i + 1) : null;
}

export function rankEmails(emails) {
  const out = [];
  for (const e of emails) {
    const l = e.toLowerCase();
    if (!out.includes(l) && !sets.noreply_locals.has(l.split('@')[0])) out.push(l);
  }
  return out;
}

// ---- phones ------------------------------------------------------------------------------
const CANDIDATE = /(?:\+|\(\+?)?\d[\d \t\u00a0\-./()\u2010\u2011\u2013]{4,28}\d/g;
const CUE = /(?:[☎☏✆📞📱]|\b(?:(tel(?:efon|ephone|efono|éfono)?|t[ée]l[ée]phone|t[ée]l|phone|ph|fon|call(?:\s+us)?|mobile?|mob|mobil|handy|cell|hotline|whatsapp|portable|fixe|ruf(?:nummer)?|anrufen|numéro|nummer|line|t|p|m)|(fax|telefax|f|sku|art|artikel\w*|order|bestell\w*|id|invoice|rechnung\w*|iban|bic|swift|ust\w*|vat|steuer\w*|tax|hrb|hra|isbn|kunden\w*|customer|item|model|ref|plz|zip|postcode|gtin|ean|mpn|reg\w*|amtsgericht|handelsregister|siret|siren|rcs|tva|date|datum|preis|price|prix|abn|acn|ein|account|konto|blz))\b)/giu;
const DATE = /(?:^|\D)(?:\d{1,2}[./\-]\d{1,2}[./\-](?:19|20)\d{2}|(?:19|20)\d{2}[./\-]\d{1,2}[./\-]\d{1,2})(?:\D|$)/;
const YEAR_RANGE = /^(?:19|20)\d{2}\s*[\-/\u2013]\s*(?:19|20)\d{2}$/;
const NATIONAL = /^(?:\(\d{2,5}\)[ \-.]?\d[\d \-.]*\d|1?[ \-.]?\d{3}[\-. ]\d{3}[\-. ]\d{4}|0\d{1,4}(?:[ \-./]{1,3}\d{1,8}){1,5})$/;
const SPLIT = /\s+[/|]\s+|\s{2,}/;
const alnum = (c) => !!c && /[\p{L}\p{N}]/u.test(c);
const digitCount = (s) => { let n = 0; for (let i = 0; i < s.length; i++) { const c = s.charCodeAt(i); if (c >= 48 && c <= 57) n++; } return n; };

function lastCue(win) {
  let last = null;
  for (const m of win.matchAll(CUE)) last = m;
  if (!last) return null;
  const between = win.slice(last.index + last[0].length);
  if ((between.match(/\p{L}/gu) ?? []).length > 4) return null;
  return last[2] === undefined;
}

function cueBefore(prefix, tail) {
  const c = lastCue([...prefix].slice(-28).join(''));
  if (c !== null) return c;
  if (![...prefix].some(alnum)) return lastCue([...tail].slice(-28).join(''));
  return null;
}

function clean(s) {
  s = s.trim().replace(/[\u00a0\u2010\u2011\u2013]/g, ' ');
  if (s.startsWith('(+')) s = s.replace('(+', '+').replace(')', ' ');
  if (s.startsWith('+')) s = s.replaceAll('(0)', ' ').replaceAll('( 0 )', ' ');
  else if (/^00[1-9]/.test(s)) s = '+' + s.slice(2);
  return s;
}

function consider(s, cued, out) {
  s = s.replace(/^[^\d+(]+|[^\d]+$/g, '');
  if (s.startsWith('(') && !s.slice(1).includes(')')) s = s.slice(1);
  const digits = digitCount(s);
  const intl = s.startsWith('+') || s.startsWith('(+') || s.startsWith('00');
  if (digits < 7 || digits > 15 || (intl && digits < 8)) return;
  if (DATE.test(s) || YEAR_RANGE.test(s)) return;
  if (/^\d{1,3}\.\d{4,}$/.test(s)) return;
  const sep = /[^\d+]/.test(s);
  if (!sep && !cued) return;
  if (!intl && !cued && !NATIONAL.test(s)) return;
  out.push({ number: clean(s), declared: false });
}

export function scanPhones(text, tail, elementCue, out) {
  if (digitCount(text) < 7) return;
  for (const m of text.matchAll(CANDIDATE)) {
    const start = m.index;
    const end = start + m[0].length;
    const before = [...text.slice(0, start)].pop();
    const after = text.slice(end)[Symbol.iterator]().next().value;
    if ((before && (alnum(before) || '#$€£_=&@'.includes(before))) || (after && (alnum(after) || '%€$£°_@,'.includes(after)))) continue;
    if (before && '-/.'.includes(before) && alnum([...text.slice(0, start - 1)].pop())) continue;
    const rest = text.slice(end).trimStart();
    if (/^[€$£%]/.test(rest) || /^eur/i.test(rest)) continue;
    const cue = cueBefore(text.slice(0, start), tail);
    if (cue === false) continue;
    const cued = cue === true || elementCue;
    if (digitCount(m[0]) > 15) for (const part of m[0].split(SPLIT)) consider(part, cued, out);
    else consider(m[0], cued, out);
  }
}

export function fromTel(href) {
  const m = /^(tel|callto):\/*(.*)$/i.exec(href.trim());
  if (!m) return null;
  let rest = m[2];
  try { rest = decodeURIComponent(rest); } catch { /* keep raw */ }
  return declaredPhone(rest.split(/[;?,]/)[0].trim());
}

export function declaredPhone(number) {
  const d = digitCount(number);
  return d >= 6 && d <= 17 ? { number: clean(number), declared: true } : null;
}

export function resolvePhones(pending, regions) {
  const out = [];
  for (const p of pending) {
    const tries = p.number.startsWith('+') ? [undefined] : p.declared ? regions : regions.slice(0, 1);
    for (const r of tries) {
      const n = parsePhoneNumberFromString(p.number, r);
      if (n && n.isValid()) {
        if (!out.includes(n.number)) out.push(n.number);
        break;
      }
    }
  }
  return out;
}

export function regionFromLang(lang) {
  const sub = (lang ?? '').split(/[-_]/).slice(1).find((s) => /^[A-Za-z]{2}$/.test(s));
  return sub ? sub.toUpperCase() : null;
}

export function regionFromCountry(v) {
  v = String(v ?? '').trim();
  if (v.length !== 2) return null;
  return v.toLowerCase() === 'uk' ? 'GB' : v.toUpperCase();
}

export const phoneClass = (c) => {
  c = c.toLowerCase();
  return c.includes('phone') || c.includes('telefon') || c === 'tel' || c.startsWith('tel-') ||
    c.endsWith('-tel') || c.endsWith('-call') || c.includes('fa-mobile');
};

// ---- JSON-LD -----------------------------------------------------------------------------
export function jsonLd(text, found) {
  let v;
  try { v = JSON.parse(text); } catch { return; }
  const walk = (o, depth) => {
    if (depth > 12 || o === null || typeof o !== 'object') return;
    if (Array.isArray(o)) { o.forEach((x) => walk(x, depth + 1)); return; }
    for (const [k, x] of Object.entries(o)) {
      if (k === 'email' && typeof x === 'string') found.emails.push(x);
      else if (k === 'telephone' && typeof x === 'string') found.phones.push(x);
      else if (k === 'addressCountry' && typeof x === 'string') found.country ??= x;
      else if (k === 'sameAs') [x].flat().forEach((l) => typeof l === 'string' && found.links.push(l));
      else walk(x, depth + 1);
    }
  };
  walk(v, 0);
}

// ---- socials -----------------------------------------------------------------------------
const hostIndex = new Map();
for (const p of S.platforms) for (const h of p.hosts) hostIndex.set(h, p);

export function socialProfile(href, base) {
  let u;
  try { u = new URL(href, base); } catch { return null; }
  const host = u.hostname.toLowerCase().replace(/^(www|m|mobile)\./, '');
  const p = hostIndex.get(host);
  if (!p) return null;
  const segs = u.pathname.split('/').filter(Boolean);
  if (!segs.length) return null;
  const reserved = new Set(p.reserved ?? []);
  let path;
  if (p.shape === 'prefixed' || p.shape === 'youtube') {
    if (segs.length < 2 || !(p.prefixes ?? []).includes(segs[0].toLowerCase())) {
      if (p.shape !== 'youtube' || !segs[0].startsWith('@')) return null;
      path = segs[0];
    } else path = `${segs[0]}/${segs[1]}`;
  } else if (p.shape === 'at_handle') {
    if (!segs[0].startsWith('@')) return null;
    path = segs[0];
  } else {
    if (reserved.has(segs[0].toLowerCase())) return null;
    path = segs[0];
  }
  return [p.key, `https://${p.canonical_host}/${path}`];
}

// ---- crawl -------------------------------------------------------------------------------
const KEYWORDS = [['contact', 10], ['kontakt', 10], ['contacto', 10], ['contatti', 10], ['impressum', 9],
  ['imprint', 9], ['mentions-legales', 8], ['mentions légales', 8], ['legal', 5], ['about', 6],
  ['ueber-uns', 6], ['uber-uns', 6], ['über uns', 6], ['a-propos', 6], ['à propos', 6], ['team', 5],
  ['location', 4], ['find-us', 4], ['get-in-touch', 8], ['reach-us', 6], ['support', 2]];
const SKIP_EXT = ['.pdf', '.jpg', '.jpeg', '.png', '.gif', '.webp', '.svg', '.zip', '.doc', '.docx',
  '.xls', '.xlsx', '.mp3', '.mp4', '.mov', '.css', '.js', '.xml', '.ics', '.vcf'];

export const siteKey = (u) => u.hostname.toLowerCase().replace(/^www\./, '');
export const pageKey = (u) => siteKey(u) + u.pathname.replace(/\/+$/, '') + (u.search || '');

function relevance(link) {
  let path;
  try { path = decodeURIComponent(link.url.pathname).toLowerCase(); } catch { path = link.url.pathname.toLowerCase(); }
  let best = 0;
  for (const [w, weight] of KEYWORDS) {
    if (path.includes(w)) best = Math.max(best, weight + 1);
    if (link.text.includes(w) || link.text.includes(w.replaceAll('-', ' '))) best = Math.max(best, weight);
  }
  return best === 0 && link.inFooter ? 1 : best;
}

/** Resolves a raw href against the page; http(s) only, fragment dropped. */
export function linkUrl(href, base) {
  let u;
  try { u = new URL(href.trim(), base); } catch { return null; }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return null;
  u.hash = '';
  return u;
}

export function pickPages(links, home, max, seen) {
  const hk = siteKey(home);
  const ranked = [];
  links.forEach((l, i) => {
    if (siteKey(l.url) !== hk) return;
    const p = l.url.pathname.toLowerCase();
    if (SKIP_EXT.some((e) => p.endsWith(e)) || p.startsWith('/cdn-cgi/') || p.includes('/wp-content/')) return;
    const s = relevance(l);
    if (s > 0) ranked.push([s, i, l]);
  });
  ranked.sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  const out = [];
  for (const [, , l] of ranked) {
    if (out.length >= max) break;
    const k = pageKey(l.url);
    if (!seen.has(k)) { seen.add(k); out.push(l.url); }
  }
  return out;
}

// ---- robots.txt --------------------------------------------------------------------------
/** Groups for `lead-audit`, else `*`; longest matching Allow/Disallow wins. */
export function parseRobots(text) {
  const groups = [];
  let cur = null;
  let lastWasAgent = false;
  const sitemaps = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.replace(/#.*/, '').trim();
    const i = line.indexOf(':');
    if (i < 0) continue;
    const k = line.slice(0, i).trim().toLowerCase();
    const v = line.slice(i + 1).trim();
    if (k === 'user-agent') {
      if (!lastWasAgent) { cur = { agents: [], rules: [] }; groups.push(cur); }
      cur.agents.push(v.toLowerCase());
      lastWasAgent = true;
      continue;
    }
    lastWasAgent = false;
    if (k === 'sitemap') sitemaps.push(v);
    else if (cur && (k === 'allow' || k === 'disallow') && v) cur.rules.push([k === 'allow', v]);
  }
  const g = groups.find((x) => x.agents.includes('lead-audit')) ?? groups.find((x) => x.agents.includes('*'));
  const rules = g ? g.rules : [];
  return {
    sitemaps,
    allowed(url) {
      const path = url.pathname + url.search;
      let best = null;
      for (const [allow, p] of rules) {
        if (path.startsWith(p) && (!best || p.length > best[1].length)) best = [allow, p];
      }
      return !best || best[0];
    },
  };
}
