// Technology stacks small-business sites run, as markers in HTML and headers: generator
// metas, asset paths, inline scripts, Server / X-Powered-By / Set-Cookie headers.

const server = (r) => r.pick([
  [['server', `nginx/1.${r.int(14, 24)}.${r.int(0, 9)}`]],
  [['server', `Apache/2.4.${r.int(29, 58)} (Ubuntu)`]],
  [['server', 'LiteSpeed']],
  [['server', 'cloudflare'], ['cf-ray', '7d1c2b3a4f5e6d7c-FRA']],
  [['server', `openresty/1.21.4.${r.int(1, 3)}`]],
]);
const php = (r) => [['x-powered-by', `PHP/${r.pick(['7.4.33', '8.1.27', '8.2.15', '5.6.40'])}`]];

function wordpress(biz, r) {
  const wp = `6.${r.int(0, 5)}.${r.int(0, 3)}`;
  const jq = r.pick(['3.7.1', '3.6.4', '1.12.4']);
  const plugins = [];
  if (r.chance(0.5)) plugins.push(['elementor', `3.${r.int(10, 21)}.${r.int(0, 5)}`]);
  if (r.chance(0.4)) plugins.push(['contact-form-7', `5.${r.int(5, 9)}.${r.int(0, 3)}`]);
  if (r.chance(0.25)) plugins.push(['woocommerce', `8.${r.int(0, 6)}.${r.int(0, 2)}`]);
  if (r.chance(0.15)) plugins.push(['js_composer', '6.13.0']);
  const theme = r.pick(['astra', 'Divi', 'generatepress', 'oceanwp', 'hello-elementor']);
  const yoast = r.chance(0.5) ? `<!-- This site is optimized with the Yoast SEO plugin v${r.int(19, 22)}.${r.int(0, 9)} - https://yoast.com/wordpress/plugins/seo/ -->` : '';
  return {
    head: `${yoast}
<meta name="generator" content="WordPress ${wp}">
${plugins.some(([p]) => p === 'elementor') ? `<meta name="generator" content="Elementor ${plugins.find(([p]) => p === 'elementor')[1]}; features: e_dom_optimization">` : ''}
<link rel="https://api.w.org/" href="/wp-json/">
<link rel="stylesheet" id="wp-block-library-css" href="/wp-includes/css/dist/block-library/style.min.css?ver=${wp}" media="all">
<link rel="stylesheet" href="/wp-content/themes/${theme}/style.css?ver=${r.int(1, 4)}.${r.int(0, 9)}.0">
${plugins.map(([p, v]) => `<link rel="stylesheet" href="/wp-content/plugins/${p}/assets/css/frontend.min.css?ver=${v}">`).join('\n')}
<link rel="stylesheet" href="https://fonts.googleapis.com/css?family=Open+Sans:400,700">
<script src="/wp-includes/js/jquery/jquery.min.js?ver=${jq}" id="jquery-core-js"></script>
<script src="/wp-includes/js/jquery/jquery-migrate.min.js?ver=3.4.1"></script>`,
    foot: plugins.map(([p, v]) => `<script src="/wp-content/plugins/${p}/assets/js/frontend.min.js?ver=${v}"></script>`).join('\n'),
    body: plugins.some(([p]) => p === 'elementor') ? '<div class="elementor elementor-kit-12"></div>' : '',
    bodyClass: `home page-template-default ${theme === 'Divi' ? 'et_divi_theme' : ''} ${plugins.some(([p]) => p === 'woocommerce') ? 'woocommerce-no-js' : ''}`,
    headers: [...server(r), ...php(r), ['link', '<http://example.invalid/wp-json/>; rel="https://api.w.org/"']],
    wp: true,
  };
}

function shopify(biz, r) {
  return {
    head: `<link rel="stylesheet" href="//cdn.shopify.com/s/files/1/0${r.int(100, 999)}/theme.css?v=${r.int(1000, 9999)}">
<meta name="shopify-checkout-api-token" content="abc${r.int(1000, 9999)}">
<script src="//cdn.shopify.com/s/files/1/0${r.int(100, 999)}/t/4/assets/theme.js?v=${r.int(100, 999)}" defer></script>`,
    foot: `<script src="https://cdn.shopify.com/shopifycloud/shopify/assets/storefront/features.js" defer></script>`,
    body: '<div class="shopify-section">Free shipping on orders over $50</div>',
    bodyClass: 'template-index',
    headers: [['server', 'cloudflare'], ['x-shopid', String(r.int(10000000, 99999999))], ['powered-by', 'Shopify'], ['set-cookie', `_shopify_y=${r.int(1e6, 9e6)}; path=/`]],
  };
}

function wix(biz, r) {
  return {
    head: `<meta name="generator" content="Wix.com Website Builder">
<link rel="preconnect" href="https://static.parastorage.com">
<script src="https://static.parastorage.com/services/wix-thunderbolt/dist/main.${r.int(1000, 9999)}.js" async></script>`,
    foot: '',
    body: `<img src="https://static.wixstatic.com/media/${r.int(100000, 999999)}.jpg" alt="hero">`,
    bodyClass: '',
    headers: [['server', 'Pepyaka'], ['x-wix-request-id', `${r.int(1e8, 9e8)}.${r.int(1e5, 9e5)}`]],
  };
}

function squarespace(biz, r) {
  return {
    head: `<!-- This is Squarespace. --><link rel="stylesheet" href="https://static1.squarespace.com/static/versioned-site-css/${r.int(1e6, 9e6)}/site.css">
<script src="https://assets.squarespace.com/universal/scripts-compressed/common-${r.int(1e6, 9e6)}.js"></script>`,
    foot: '',
    body: '',
    bodyClass: 'sqs-layout',
    headers: [['server', 'Squarespace']],
  };
}

function joomla(biz, r) {
  const v = r.pick(['3.10.12', '4.3.4', '4.4.1']);
  return {
    head: `<meta name="generator" content="Joomla! - Open Source Content Management">
<script src="/media/vendor/jquery/js/jquery.min.js?3.7.1"></script>
<script src="/media/system/js/core.min.js?${v}"></script>
<script type="application/json" class="joomla-script-options new">{"csrf.token":"abc"}</script>`,
    foot: '<script src="/media/vendor/bootstrap/js/bootstrap.min.js"></script>',
    body: '',
    bodyClass: 'site com_content',
    headers: [...server(r), ...php(r), ['set-cookie', `PHPSESSID=${r.int(1e8, 9e8)}abc; path=/`]],
  };
}

function drupal(biz, r) {
  const v = r.pick(['9.5.11', '10.1.6', '7.98']);
  return {
    head: `<meta name="Generator" content="Drupal ${v.split('.')[0]} (https://www.drupal.org)">
<script src="/core/misc/drupal.js?v=${v}"></script>`,
    foot: `<script type="application/json" data-drupal-selector="drupal-settings-json">{"path":{"baseUrl":"/"}}</script>`,
    body: '',
    bodyClass: 'path-frontpage',
    headers: [...server(r), ['x-generator', `Drupal ${v.split('.')[0]} (https://www.drupal.org)`], ['x-drupal-cache', 'HIT']],
  };
}

function staticSite(biz, r) {
  const bs = r.pick(['5.3.2', '4.6.2', '3.4.1']);
  const jq = r.pick(['3.7.1', '3.5.1', '2.2.4', '1.11.3']);
  return {
    head: `<link rel="stylesheet" href="https://cdn.jsdelivr.net/npm/bootstrap@${bs}/dist/css/bootstrap.min.css">
<link rel="stylesheet" href="https://cdnjs.cloudflare.com/ajax/libs/font-awesome/6.4.2/css/all.min.css">
<link rel="stylesheet" href="/css/slick.min.css">`,
    foot: `<script src="https://code.jquery.com/jquery-${jq}.min.js"></script>
<script src="https://cdn.jsdelivr.net/npm/bootstrap@${bs}/dist/js/bootstrap.bundle.min.js"></script>
<script src="/js/slick.min.js"></script>
${r.chance(0.3) ? '<script src="/js/modernizr-2.8.3.min.js"></script>' : ''}
${r.chance(0.3) ? '<script src="https://cdn.jsdelivr.net/npm/swiper@11/swiper-bundle.min.js"></script>' : ''}`,
    body: '',
    bodyClass: '',
    headers: server(r),
  };
}

function aspnet(biz, r) {
  return {
    head: '<link rel="stylesheet" href="/Content/site.css">',
    foot: '<script src="/Scripts/jquery-3.4.1.min.js"></script><script src="/Scripts/bootstrap.min.js"></script>',
    body: '<form method="post" action="./"><input type="hidden" name="__VIEWSTATE" value="/wEPDwUKLTk2Njk3OTQxNg9kFgJmD2QWAgIDD2QWAgIBDw"></form>',
    bodyClass: '',
    headers: [['server', 'Microsoft-IIS/8.5'], ['x-powered-by', 'ASP.NET'], ['x-aspnet-version', '4.0.30319']],
  };
}

function webflow(biz, r) {
  return {
    head: `<meta content="Webflow" name="generator">
<link href="https://assets.website-files.com/${r.int(1e6, 9e6)}/css/site.webflow.css" rel="stylesheet">`,
    foot: `<script src="https://assets.website-files.com/${r.int(1e6, 9e6)}/js/webflow.${r.int(100, 999)}.js"></script>`,
    body: '',
    bodyClass: '',
    headers: [['server', 'cloudflare'], ['cf-cache-status', 'HIT']],
  };
}

/** Weighted like the small-business web: WordPress first by far. */
export const stacks = [
  wordpress, wordpress, wordpress, wordpress, wordpress, wordpress, wordpress,
  shopify, wix, squarespace, joomla, drupal, staticSite, staticSite, aspnet, webflow,
].map((f) => (biz, r) => f(biz, r));
