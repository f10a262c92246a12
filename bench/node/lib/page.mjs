// Page analysis over a domhandler tree (what cheerio and htmlparser2 both produce): one walk
// for contacts (text nodes scanned one by one, hidden subtrees skipped), optionally collecting
// links, metas and scripts in the same walk (the tuned worker) instead of through selectors.
import * as R from './rules.mjs';

const HIDDEN = new Set(['script', 'style', 'noscript', 'template', 'svg', 'iframe', 'object', 'textarea']);

function textOf(node) {
  if (node.type === 'text') return node.data;
  if (!node.children) return '';
  let s = '';
  for (const c of node.children) s += textOf(c);
  return s;
}

const isFooter = (el) => {
  const a = el.attribs ?? {};
  return el.name === 'footer' || (a.id ?? '').toLowerCase().includes('footer') ||
    (a.class ?? '').toLowerCase().includes('footer') || a.role === 'contentinfo';
};

/**
 * Walks the document. Returns contacts and, when `parts` is set, links / meta / scripts.
 * @param {object} root domhandler Document
 * @param {URL} base page URL
 */
export function walk(root, base, parts) {
  const emails = [];
  const pending = [];
  const socials = {};
  const ld = { emails: [], phones: [], links: [], country: undefined };
  let lang = null;
  let tail = '';
  let hints = 0;
  let recentHint = false;
  let footer = 0;
  const links = [];
  const meta = [];
  const scripts = [];
  const scriptSrcs = [];

  const social = (href) => {
    const p = R.socialProfile(href, base);
    if (p && !(p[0] in socials)) socials[p[0]] = p[1];
  };
  const href = (h) => {
    h = h.trimStart();
    const s = h.slice(0, 4).toLowerCase();
    if (s === 'mail') R.fromMailto(h, emails);
    else if (s === 'tel:' || s === 'call') { const p = R.fromTel(h); if (p) pending.push(p); }
    else {
      const hex = R.cfHrefHex(h);
      if (hex) { const e = R.decodeCfemail(hex); if (e) emails.push(e); } else social(h);
    }
  };

  const visit = (node) => {
    if (node.type === 'text') {
      const t = node.data;
      if (t.trim()) {
        R.scanEmails(t, emails);
        R.scanPhones(t, tail, recentHint || hints > 0, pending);
        recentHint = false;
        tail = [...t.trimEnd()].slice(-40).join('');
      }
      return;
    }
    if (node.type !== 'tag' && node.type !== 'script' && node.type !== 'style' && node.type !== 'root') {
      return;
    }
    const name = node.name;
    const a = node.attribs ?? {};
    if (parts && name) {
      if (name === 'meta' && a.content !== undefined && (a.name ?? a.property) !== undefined) {
        meta.push([(a.name ?? a.property).toLowerCase(), a.content]);
      } else if (name === 'script') {
        if (a.src !== undefined) {
          let u;
          try { u = new URL(a.src, base).href; } catch { u = a.src; }
          scriptSrcs.push(u);
        } else scripts.push(textOf(node));
      } else if (name === 'a' && a.href !== undefined) {
        const url = R.linkUrl(a.href, base);
        if (url) {
          let text = textOf(node);
          if (!text.trim()) text = a.title ?? a['aria-label'] ?? '';
          links.push({ url, text: text.trim().toLowerCase(), inFooter: footer > 0 });
        }
      }
    }
    if (name && HIDDEN.has(name)) {
      if (name === 'script' && (a.type ?? '').trim().toLowerCase() === 'application/ld+json') {
        R.jsonLd(textOf(node), ld);
      }
      return;
    }
    let hint = false;
    if (name) {
      if ((name === 'a' || name === 'area') && a.href !== undefined) href(a.href);
      else if (name === 'html') lang = R.regionFromLang(a.lang);
      if (a['data-cfemail'] !== undefined) { const e = R.decodeCfemail(a['data-cfemail']); if (e) emails.push(e); }
      if (a.itemprop && a.content !== undefined) {
        if (a.itemprop === 'email') R.scanEmails(a.content, emails);
        else if (a.itemprop === 'telephone') { const p = R.declaredPhone(a.content); if (p) pending.push(p); }
      }
      hint = a.itemprop === 'telephone' || (a.class ?? '').split(/\s+/).some((c) => c && R.phoneClass(c));
    }
    const f = name && isFooter(node);
    if (hint) { hints++; recentHint = true; }
    if (f) footer++;
    for (const c of node.children ?? []) visit(c);
    if (hint) hints--;
    if (f) footer--;
  };
  visit(root);

  for (const e of ld.emails) {
    if (/^mailto:/i.test(e)) R.fromMailto(e, emails);
    else { const n = R.normalizeEmail(e); if (n) emails.push(n); }
  }
  for (const p of ld.phones) { const d = R.declaredPhone(p); if (d) pending.push(d); }
  for (const l of ld.links) social(l);
  const regions = [...new Set([R.regionFromCountry(ld.country), lang, 'US'].filter(Boolean))];
  return {
    contacts: { emails: R.rankEmails(emails), phones: R.resolvePhones(pending, regions), socials },
    links, meta, scripts, scriptSrcs,
  };
}

export function cookies(headers) {
  const out = [];
  for (const [k, v] of headers) {
    if (k !== 'set-cookie') continue;
    const pair = v.split(';')[0];
    const i = pair.indexOf('=');
    if (i > 0) out.push([pair.slice(0, i).trim().toLowerCase(), pair.slice(i + 1).trim()]);
  }
  return out;
}
