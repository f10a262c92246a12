//! Realistic pages against the embedded fingerprints.

mod common;

use common::{find, found, found_version, Page};
use lead_audit_detect::Detector;

const WORDPRESS: &str = include_str!("fixtures/wordpress.html");
const SHOPIFY: &str = include_str!("fixtures/shopify.html");
const WIX: &str = include_str!("fixtures/wix.html");
const SQUARESPACE: &str = include_str!("fixtures/squarespace.html");
const NEXTJS: &str = include_str!("fixtures/nextjs.html");

#[test]
fn wordpress_woocommerce_elementor() {
    let page = Page::new("https://riverside-bakery.example/", WORDPRESS)
        .header("server", "Apache/2.4.29 (Ubuntu)")
        .header("x-powered-by", "PHP/7.4.33")
        .header("set-cookie", "PHPSESSID=abc123; path=/; HttpOnly")
        .header(
            "link",
            "<https://riverside-bakery.example/wp-json/>; rel=\"https://api.w.org/\"",
        );
    let techs = page.detect(Detector::embedded());
    found_version(&techs, "WordPress", "6.4.2");
    found_version(&techs, "WooCommerce", "8.4.0");
    found_version(&techs, "Elementor", "3.18.3");
    found_version(&techs, "jQuery", "3.7.1");
    found_version(&techs, "jQuery Migrate", "3.4.1");
    found_version(&techs, "Yoast SEO", "21.7");
    found_version(&techs, "Contact Form 7", "5.8.4");
    found_version(&techs, "Hello Elementor", "3.0.0");
    found_version(&techs, "Apache HTTP Server", "2.4.29");
    found_version(&techs, "PHP", "7.4.33");
    found_version(&techs, "Google Analytics", "GA4");
    for name in ["Ubuntu", "MySQL", "Google Font API", "Open Graph"] {
        found(&techs, name);
    }
    let wp = found(&techs, "WordPress");
    assert_eq!(wp.categories, ["CMS", "Blogs"]);
    assert_eq!(wp.confidence, 100);
    assert!(find(&techs, "Shopify").is_none());
    assert!(find(&techs, "Nginx").is_none());
    // CMS and shops sort before libraries.
    let pos = |n: &str| techs.iter().position(|t| t.name == n);
    assert!(pos("WordPress") < pos("jQuery"));
}

#[test]
fn shopify_store() {
    let page = Page::new("https://harbor-candle.example/", SHOPIFY)
        .header("server", "cloudflare")
        .header("cf-ray", "8a1b2c3d4e5f6789-AMS")
        .header("x-shopid", "61234567890")
        .header(
            "set-cookie",
            "_shopify_y=abc; path=/; expires=Wed, 01 Jan 2025 00:00:00 GMT",
        );
    let techs = Detector::embedded().detect(&lead_audit_detect::DetectInput {
        url: page.url,
        headers: &page.headers,
        html: page.html,
        ..Default::default()
    });
    // Without a parsed document the raw-HTML and header patterns still find the platform.
    found(&techs, "Shopify");
    found(&techs, "Cloudflare");
    let with_doc = page.detect(Detector::embedded());
    for name in ["Shopify", "Cloudflare", "Klaviyo"] {
        found(&with_doc, name);
    }
    assert!(find(&with_doc, "WordPress").is_none());
}

#[test]
fn wix_site() {
    let page = Page::new("https://www.lakeside-yoga.example/", WIX)
        .header("x-wix-request-id", "1700000000.123456789")
        .header("server", "Pepyaka");
    let techs = page.detect(Detector::embedded());
    found(&techs, "Wix");
    found_version(&techs, "core-js", "3.2.1");
    assert!(find(&techs, "WordPress").is_none());
    assert!(find(&techs, "Squarespace").is_none());
}

#[test]
fn squarespace_site() {
    let page = Page::new("https://www.oakwood-dental.example/", SQUARESPACE)
        .header("server", "Squarespace");
    let techs = page.detect(Detector::embedded());
    found(&techs, "Squarespace");
    found(&techs, "Adobe Fonts");
    assert!(find(&techs, "Wix").is_none());
}

#[test]
fn nextjs_site() {
    let page = Page::new("https://brightline.example/", NEXTJS)
        .header("x-powered-by", "Next.js")
        .header("server", "Vercel")
        .header("x-vercel-id", "fra1::abcde-1700000000000-0123456789ab")
        .header("strict-transport-security", "max-age=63072000");
    let techs = page.detect(Detector::embedded());
    for name in [
        "Next.js",
        "React",
        "Node.js",
        "Vercel",
        "HSTS",
        "Tailwind CSS",
    ] {
        found(&techs, name);
    }
    let next = found(&techs, "Next.js");
    assert_eq!(next.categories, ["JavaScript frameworks", "Web frameworks"]);
    assert!(find(&techs, "Nuxt.js").is_none());
}

#[test]
fn browser_globals_add_versions() {
    let page = Page::new("https://brightline.example/", NEXTJS)
        .js("next.version", "14.0.4")
        .js("React.version", "18.2.0");
    let techs = page.detect(Detector::embedded());
    found_version(&techs, "Next.js", "14.0.4");
    found_version(&techs, "React", "18.2.0");
    let paths = Detector::embedded().js_paths();
    assert!(paths.iter().any(|p| p == "jQuery.fn.jquery"));
    assert!(paths.windows(2).all(|w| w[0] <= w[1]));
}

#[test]
fn server_headers_carry_versions() {
    let html = "<html><head><title>x</title></head><body></body></html>";
    let techs = Page::new("https://a.example/", html)
        .header("server", "nginx/1.18.0")
        .detect(Detector::embedded());
    found_version(&techs, "Nginx", "1.18.0");
    let techs = Page::new("https://a.example/", html)
        .header("Server", "Microsoft-IIS/10.0")
        .header("X-AspNet-Version", "4.0.30319")
        .detect(Detector::embedded());
    found_version(&techs, "IIS", "10.0");
    found_version(&techs, "Microsoft ASP.NET", "4.0.30319");
    found(&techs, "Windows Server");
    let techs = Page::new("https://a.example/", html)
        .header("server", "Apache-Coyote/1.1")
        .detect(Detector::embedded());
    assert!(find(&techs, "Apache HTTP Server").is_none());
}

#[test]
fn jquery_file_names_with_a_content_hash() {
    let detect = |src: &str| {
        let srcs = vec![src.to_owned()];
        Detector::embedded().detect(&lead_audit_detect::DetectInput {
            url: "https://studio.example/",
            script_srcs: &srcs,
            ..Default::default()
        })
    };
    let hashed =
        detect("https://d3e54v103j8qbb.cloudfront.net/js/jquery-3.5.1.min.dc5e7f18c8.js?site=5f1c");
    found_version(&hashed, "jQuery", "3.5.1");
    let plugin = detect("/js/jquery.fancybox.min.js");
    assert!(
        find(&plugin, "jQuery").is_none(),
        "a jQuery plugin is not jQuery: {plugin:?}"
    );
}

#[test]
fn a_link_to_a_jimdo_site_is_not_jimdo() {
    let links = r#"<html><body><p>Partner: <a href="https://baeckerei-huber.jimdosite.com/">Huber</a>,
        <a href="https://www.jimdo.com/">made with Jimdo?</a>, https://nachbar.jimdofree.com</p></body></html>"#;
    let techs =
        Page::new("https://www.schreinerei-mueller.de/", links).detect(Detector::embedded());
    assert!(find(&techs, "Jimdo").is_none(), "{techs:?}");
    let built = r#"<html><head><link rel="stylesheet" href="https://assets.jimstatic.com/web.css.1a2b.css">
        </head><body><p>Willkommen</p></body></html>"#;
    let techs =
        Page::new("https://www.schreinerei-mueller.de/", built).detect(Detector::embedded());
    found(&techs, "Jimdo");
}
