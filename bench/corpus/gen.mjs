// Generates the benchmark corpus: N small-business sites, deterministic from a seed.
// Usage: node gen.mjs <out-dir> <sites> <seed> <port>
// Writes <out-dir>/manifest.json (read by the corpus server) and the page files.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stacks } from './stacks.mjs';

const [out, nArg, seedArg, portArg] = process.argv.slice(2);
if (!out || !nArg) {
  console.error('usage: node gen.mjs <out-dir> <sites> [seed] [port]');
  process.exit(2);
}
const N = Number(nArg);
const SEED = Number(seedArg ?? 42);
const PORT = Number(portArg ?? 18080);

// mulberry32: small, fast, reproducible across Node versions.
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const R = rng(SEED);
const int = (lo, hi) => lo + Math.floor(R() * (hi - lo + 1));
const pick = (xs) => xs[Math.floor(R() * xs.length)];
const chance = (p) => R() < p;

const TRADES = ['Plumbing', 'Roofing', 'Dental', 'Bakery', 'Landscaping', 'Auto Repair', 'Law', 'Salon',
  'Electric', 'Cleaning', 'Fitness', 'Florist', 'Painting', 'Pet Care', 'Catering', 'Accounting'];
const NAMES = ['Miller', 'Johnson', 'Garcia', 'Smith', 'Brown', 'Weber', 'Schmidt', 'Taylor', 'Evans',
  'Murphy', 'Clarke', 'Fischer', 'Lopez', 'Walker', 'Hughes', 'Keller', 'Baker', 'Wright'];
const FIRST = ['anna', 'james', 'maria', 'peter', 'laura', 'tom', 'sarah', 'mike', 'julia', 'david'];
const WORDS = ('our licensed team handles repairs installations maintenance inspections and emergency ' +
  'call outs across the city and the surrounding towns with fair prices honest advice and a ' +
  'guarantee on every job we have served local families and businesses for many years').split(' ');
const COUNTRIES = [
  { cc: 'US', lang: 'en-US', tld: 'com', weight: 6 },
  { cc: 'GB', lang: 'en-GB', tld: 'co.uk', weight: 2 },
  { cc: 'DE', lang: 'de-DE', tld: 'de', weight: 2 },
];

function country() {
  const total = COUNTRIES.reduce((s, c) => s + c.weight, 0);
  let x = R() * total;
  for (const c of COUNTRIES) if ((x -= c.weight) < 0) return c;
  return COUNTRIES[0];
}

// Numbers in valid ranges of each plan, written the way sites write them.
function phone(cc) {
  if (cc === 'US') {
    const area = pick([212, 312, 415, 503, 617, 702, 713, 305, 404, 206]);
    const ex = int(201, 989);
    const line = String(int(1000, 9999));
    return {
      text: pick([`(${area}) ${ex}-${line}`, `${area}-${ex}-${line}`, `+1 ${area} ${ex} ${line}`]),
      tel: `+1${area}${ex}${line}`,
    };
  }
  if (cc === 'GB') {
    const n = `7946 0${int(100, 999)}`;
    return { text: pick([`+44 20 ${n}`, `020 ${n}`]), tel: `+4420${n.replace(' ', '')}` };
  }
  const n = `${int(2000000, 8999999)}`;
  return { text: pick([`+49 30 ${n}`, `030 ${n}`]), tel: `+4930${n}` };
}

function sentence(len) {
  let s = [];
  for (let i = 0; i < len; i++) s.push(pick(WORDS));
  s[0] = s[0][0].toUpperCase() + s[0].slice(1);
  return s.join(' ') + '.';
}

// Text that looks like numbers but is none: prices, SKUs, dates, coordinates, years.
function decoy() {
  return pick([
    `Prices from $${int(49, 499)}.${int(10, 99)} incl. tax.`,
    `SKU ${int(1000, 9999)}-${int(10, 99)} ships in 2-3 days.`,
    `Last updated ${int(1, 28)}/${int(1, 12)}/20${int(10, 24)}.`,
    `Find us at ${int(30, 50)}.${int(100000, 999999)}, -${int(70, 120)}.${int(100000, 999999)}.`,
    `Serving clients 2009 - 2024.`,
    `Order no. ${int(10000000, 99999999)} confirmed.`,
  ]);
}

function css(kb) {
  let s = '<style>';
  let i = 0;
  while (s.length < kb * 1024) {
    s += `.c${i}-wrap{display:flex;margin:${i % 40}px auto;padding:0 ${i % 16}px;color:#${(i * 2654435761 >>> 8).toString(16).padStart(6, '0').slice(0, 6)}}`;
    s += `@media (max-width:${600 + (i % 5) * 120}px){.c${i}-wrap{flex-direction:column}}\n`;
    i++;
  }
  return s + '</style>\n';
}

function inlineScript(kb) {
  let s = '<script>';
  let i = 0;
  while (s.length < kb * 1024) {
    s += `var m${i}=function(e,t){return e&&e.querySelectorAll?e.querySelectorAll(".c${i}-wrap"):t||[]};`;
    s += `window.__cfg${i % 50}={"id":${i},"lazy":true,"ratio":1.${i % 9}};\n`;
    i++;
  }
  return s + '</script>\n';
}

function filler(kb, cc) {
  let s = '';
  let i = 0;
  while (s.length < kb * 1024) {
    s += `<section class="block c${i}-wrap" data-id="s${i}"><div class="container"><h2>${pick(WORDS)} ${pick(WORDS)} #${i}</h2>\n`;
    s += `<p>${sentence(int(20, 45))} ${chance(0.3) ? decoy() : ''} ${sentence(int(10, 25))}</p>\n`;
    s += `<img src="/assets/img/photo-${i}.jpg" alt="${pick(WORDS)}" width="640" height="400">`;
    if (chance(0.2)) s += `<img src="/assets/img/logo@2x.png">`;
    if (chance(0.1)) s += `<p>Built with bootstrap@5.3.2 and ${cc === 'DE' ? 'Liebe' : 'care'}.</p>`;
    s += '</div></section>\n';
    i++;
  }
  return s;
}

function cfemail(email) {
  const key = int(1, 254);
  let hex = key.toString(16).padStart(2, '0');
  for (const ch of Buffer.from(email)) hex += (ch ^ key).toString(16).padStart(2, '0');
  return hex;
}

function jsonLd(biz) {
  const o = {
    '@context': 'https://schema.org',
    '@type': 'LocalBusiness',
    name: biz.name,
    telephone: biz.phone.tel,
    address: { '@type': 'PostalAddress', addressCountry: biz.country.cc },
  };
  if (biz.ldEmail) o.email = biz.ldEmail;
  return `<script type="application/ld+json">${JSON.stringify(o)}</script>\n`;
}

function page({ biz, stack, title, body, kb, extraHead = '' }) {
  const head = `<!doctype html><html lang="${biz.country.lang}"><head><meta charset="utf-8">
<title>${title} | ${biz.name}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="description" content="${biz.name}: ${sentence(12)}">
<meta property="og:title" content="${biz.name}">
${stack.head}
${biz.analytics.map((a) => a.head).join('\n')}
${extraHead}
${css(Math.max(2, Math.round(kb * 0.15)))}
${inlineScript(Math.max(2, Math.round(kb * 0.15)))}
</head><body class="${stack.bodyClass}">`;
  const nav = `<header class="site-header"><nav>${biz.nav.map(([href, t]) => `<a href="${href}">${t}</a>`).join(' ')}</nav>
${biz.phoneInHeader ? `<div class="header-phone"><i class="fa fa-phone"></i> ${biz.phone.text}</div>` : ''}</header><main>`;
  const footer = `</main><footer id="colophon" class="site-footer"><p>${biz.name} &middot; ${sentence(6)}</p>
<p>${biz.footerContact}</p>
${biz.socials.map((s) => `<a href="${s}">${s.split('/')[2]}</a>`).join(' ')}
<a href="https://twitter.com/intent/tweet?url=https://${biz.domain}/">Share</a>
<a href="/privacy-policy/">Privacy</a> <a href="/terms/">Terms</a>
<p>&copy; ${int(2012, 2024)} ${biz.name}</p></footer>
${stack.foot}
${biz.analytics.map((a) => a.foot).join('\n')}
</body></html>`;
  const fixed = head.length + nav.length + body.length + footer.length;
  return head + nav + body + filler(Math.max(1, kb - fixed / 1024), biz.country.cc) + footer;
}

function business(i) {
  const c = country();
  const owner = pick(NAMES);
  const trade = pick(TRADES);
  const slug = `${owner}${trade.replace(/\s+/g, '')}${i}`.toLowerCase();
  const domain = `${slug}.${c.tld}`;
  const roles = c.cc === 'DE' ? ['kontakt', 'info', 'buero'] : ['info', 'office', 'hello', 'sales'];
  const main = `${pick(roles)}@${domain}`;
  const person = `${pick(FIRST)}@${domain}`;
  const ph = phone(c.cc);
  const obfuscated = chance(0.25);
  const footerContact = obfuscated
    ? `${main.split('@')[0]} [at] ${slug} [dot] ${c.tld}`
    : chance(0.5)
      ? `Mail <a href="mailto:${main}?subject=Hello">${main}</a>`
      : `Phone: ${ph.text}`;
  const nav = [['/', 'Home'], ['/services/', 'Services'], ['/about-us/', 'About us'],
    ['/contact/', c.cc === 'DE' ? 'Kontakt' : 'Contact']];
  if (chance(0.4)) nav.splice(3, 0, ['/team/', 'Our team']);
  if (c.cc === 'DE') nav.push(['/impressum/', 'Impressum']);
  const socials = [];
  if (chance(0.7)) socials.push(`https://www.facebook.com/${slug}`);
  if (chance(0.5)) socials.push(`https://www.instagram.com/${slug}/`);
  if (chance(0.2)) socials.push(`https://www.linkedin.com/company/${slug}`);
  return {
    name: `${owner} ${trade}`,
    slug,
    domain,
    country: c,
    main,
    person,
    phone: ph,
    phone2: phone(c.cc),
    nav,
    socials,
    footerContact,
    phoneInHeader: chance(0.4),
    ldEmail: chance(0.4) ? main : null,
    cloudflareEmail: chance(0.2),
    analytics: [],
  };
}

const ANALYTICS = [
  { p: 0.5, head: `<script async src="https://www.googletagmanager.com/gtag/js?id=G-ABC123XYZ"></script>
<script>window.dataLayer=window.dataLayer||[];function gtag(){dataLayer.push(arguments);}gtag('js',new Date());gtag('config','G-ABC123XYZ');</script>`, foot: '' },
  { p: 0.3, head: `<script>(function(w,d,s,l,i){w[l]=w[l]||[];w[l].push({'gtm.start':new Date().getTime(),event:'gtm.js'});var f=d.getElementsByTagName(s)[0],j=d.createElement(s);j.async=true;j.src='https://www.googletagmanager.com/gtm.js?id='+i;f.parentNode.insertBefore(j,f);})(window,document,'script','dataLayer','GTM-K9QX7TB');</script>`, foot: '' },
  { p: 0.25, head: `<script>!function(f,b,e,v,n,t,s){if(f.fbq)return;n=f.fbq=function(){n.callMethod?n.callMethod.apply(n,arguments):n.queue.push(arguments)};t=b.createElement(e);t.async=!0;t.src=v;s=b.getElementsByTagName(e)[0];s.parentNode.insertBefore(t,s)}(window,document,'script','https://connect.facebook.net/en_US/fbevents.js');fbq('init','123456789012345');fbq('track','PageView');</script>`, foot: '' },
  { p: 0.15, head: '', foot: `<script>(function(h,o,t,j,a,r){h.hj=h.hj||function(){(h.hj.q=h.hj.q||[]).push(arguments)};h._hjSettings={hjid:1234567,hjsv:6};a=o.getElementsByTagName('head')[0];r=o.createElement('script');r.async=1;r.src=t+h._hjSettings.hjid+j+h._hjSettings.hjsv;a.appendChild(r);})(window,document,'https://static.hotjar.com/c/hotjar-','.js?sv=');</script>` },
  { p: 0.1, head: '', foot: `<script src="https://embed.tawk.to/5f1a2b3c4d5e6f/default" async></script>` },
  { p: 0.2, head: '', foot: `<script src="https://www.google.com/recaptcha/api.js" async defer></script>` },
];

function behavior() {
  const x = R();
  if (x < 0.8) return { behavior: 'ok', delay_ms: 0 };
  if (x < 0.88) return { behavior: 'slow', delay_ms: int(150, 600) };
  if (x < 0.92) return { behavior: 'e500', delay_ms: 0 };
  if (x < 0.95) return { behavior: 'hang', delay_ms: 0 };
  if (x < 0.98) return { behavior: 'nothtml', delay_ms: 0 };
  return { behavior: 'brokenpage', delay_ms: 0 };
}

mkdirSync(out, { recursive: true });
const sites = [];
let bytes = 0;
for (let i = 0; i < N; i++) {
  const biz = business(i);
  biz.analytics = ANALYTICS.filter((a) => chance(a.p));
  const stack = pick(stacks)(biz, { int, pick, chance });
  const b = behavior();
  const host = `127.1.${Math.floor(i / 250)}.${(i % 250) + 1}`;
  const dir = `s${i}`;
  mkdirSync(join(out, dir), { recursive: true });
  const pages = {};
  const put = (path, name, content, type = 'text/html; charset=utf-8', status = 200) => {
    writeFileSync(join(out, dir, name), content);
    pages[path] = { file: `${dir}/${name}`, type, status };
    bytes += content.length;
  };
  const homeKb = int(60, 300);
  const homeBody = `<h1>${biz.name}</h1><p>${sentence(30)}</p>
${biz.cloudflareEmail ? `<p>Email: <a href="/cdn-cgi/l/email-protection#${cfemail(biz.main)}"><span class="__cf_email__" data-cfemail="${cfemail(biz.main)}">[email&#160;protected]</span></a></p>` : ''}
${chance(0.5) ? `<p>Call us today: <a href="tel:${biz.phone.tel}">${biz.phone.text}</a></p>` : ''}
${stack.body}`;
  if (b.behavior === 'nothtml') {
    put('/', 'index.json', JSON.stringify({ status: 'maintenance', site: biz.name }), 'application/json');
  } else {
    put('/', 'index.html', page({ biz, stack, title: 'Home', body: homeBody, kb: homeKb, extraHead: jsonLd(biz) }));
  }
  const contactBody = `<h1>${biz.country.cc === 'DE' ? 'Kontakt' : 'Contact us'}</h1>
<div class="contact-details"><p>Email: <a href="mailto:${biz.main}">${biz.main}</a></p>
<p>Telephone: <a href="tel:${biz.phone.tel}">${biz.phone.text}</a></p>
<p>Fax: ${biz.phone2.text}</p>
${chance(0.5) ? `<p>Or write to ${biz.person.split('@')[0]} (at) ${biz.domain.replace('.', ' (dot) ')}</p>` : ''}
<p>Mobile ${phone(biz.country.cc).text}</p></div>
${stack.wp && chance(0.5) ? '<div class="wpcf7"><form><input name="your-email" placeholder="you@example.com"></form></div>' : ''}`;
  put('/contact/', 'contact.html', page({ biz, stack, title: 'Contact', body: contactBody, kb: int(30, 120), extraHead: chance(0.5) ? jsonLd(biz) : '' }),
    'text/html; charset=utf-8', b.behavior === 'brokenpage' ? 500 : 200);
  const aboutBody = `<h1>About ${biz.name}</h1><p>${sentence(40)}</p><p>Questions? ${biz.person}</p>`;
  put('/about-us/', 'about.html', page({ biz, stack, title: 'About', body: aboutBody, kb: int(30, 150) }));
  put('/services/', 'services.html', page({ biz, stack, title: 'Services', body: `<h1>Services</h1>`, kb: int(30, 80) }));
  put('/privacy-policy/', 'privacy.html', page({ biz, stack, title: 'Privacy', body: `<h1>Privacy</h1><p>Data controller: ${biz.main}</p>`, kb: int(30, 50) }));
  if (biz.nav.some(([h]) => h === '/team/')) {
    put('/team/', 'team.html', page({ biz, stack, title: 'Team', body: `<h1>Team</h1><p>${biz.person}</p><p class="phone">${biz.phone2.text}</p>`, kb: int(30, 80) }));
  }
  if (biz.country.cc === 'DE') {
    put('/impressum/', 'impressum.html', page({ biz, stack, title: 'Impressum', body: `<h1>Impressum</h1><p>Tel.: ${biz.phone.text}</p><p>E-Mail: ${biz.main}</p><p>HRB ${int(10000, 99999)}</p>`, kb: int(30, 60) }));
  }
  const robots = chance(0.5)
    ? `User-agent: *\nDisallow: /wp-admin/\nDisallow: /team/\nSitemap: http://${host}:${PORT}/sitemap.xml\n`
    : 'User-agent: *\nDisallow: /wp-admin/\n';
  if (chance(0.8)) put('/robots.txt', 'robots.txt', robots, 'text/plain');
  if (chance(0.6)) put('/sitemap.xml', 'sitemap.xml', `<?xml version="1.0"?><urlset><url><loc>http://${host}:${PORT}/</loc></url></urlset>`, 'application/xml');
  if (chance(0.7)) put('/favicon.ico', 'favicon.ico', 'ICO'.repeat(400), 'image/x-icon');
  sites.push({ host, ...b, headers: stack.headers, pages, country: biz.country.cc });
}
writeFileSync(join(out, 'manifest.json'), JSON.stringify({ seed: SEED, port: PORT, sites }, null, 1));
writeFileSync(join(out, 'leads.jsonl'), sites.map((s, i) => JSON.stringify({ id: `lead-${i}`, website: `http://${s.host}:${PORT}/` })).join('\n') + '\n');
console.log(JSON.stringify({ sites: N, seed: SEED, bytes }));
