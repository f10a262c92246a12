//! Fingerprint matching on a ~150 KB page: the embedded set, the embedded set plus a
//! synthetic 3,000-technology dataset (the size of a full Wappalyzer dataset), and the
//! embedded set plus one `text` rule (the page's visible text gathered from the document).

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use lead_audit_detect::{DetectInput, Detector};
use std::fmt::Write as _;
use std::hint::black_box;

/// A WordPress + WooCommerce + Elementor shop page, padded with product cards and text
/// the way real pages are.
fn page() -> String {
    let mut html = String::from(
        r#"<!DOCTYPE html><html lang="en-US"><head><meta charset="UTF-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Riverside Bakery</title>
<meta name="generator" content="WordPress 6.4.2" />
<meta name="generator" content="WooCommerce 8.4.0" />
<meta name="generator" content="Elementor 3.18.3; features: e_dom_optimization" />
<meta property="og:title" content="Riverside Bakery">
<link rel="https://api.w.org/" href="https://bakery.example/wp-json/" />
"#,
    );
    for (i, css) in [
        "wp-includes/css/dist/block-library/style.min.css?ver=6.4.2",
        "wp-content/plugins/woocommerce/assets/css/woocommerce.css?ver=8.4.0",
        "wp-content/plugins/elementor/assets/css/frontend.min.css?ver=3.18.3",
        "wp-content/themes/astra/assets/css/minified/main.min.css?ver=4.5.2",
        "wp-content/plugins/contact-form-7/includes/css/styles.css?ver=5.8.4",
    ]
    .iter()
    .enumerate()
    {
        let _ = writeln!(html, "<link rel='stylesheet' id='css-{i}' href='https://bakery.example/{css}' media='all' />");
    }
    html.push_str(r#"<link rel="stylesheet" href="https://fonts.googleapis.com/css2?family=Inter:wght@400;700&display=swap">
<script src="https://bakery.example/wp-includes/js/jquery/jquery.min.js?ver=3.7.1"></script>
<script src="https://bakery.example/wp-includes/js/jquery/jquery-migrate.min.js?ver=3.4.1"></script>
<script async src="https://www.googletagmanager.com/gtag/js?id=G-ABC123XYZ9"></script>
<script>window.dataLayer=window.dataLayer||[];function gtag(){dataLayer.push(arguments);}gtag('js',new Date());gtag('config','G-ABC123XYZ9');</script>
<script>!function(f,b,e,v,n,t,s){if(f.fbq)return;n=f.fbq=function(){};t=b.createElement(e);t.async=!0;t.src=v;}(window,document,'script','https://connect.facebook.net/en_US/fbevents.js');fbq('init','123456789012345');</script>
</head><body class="home page woocommerce-no-js elementor-default elementor-kit-5">
<header class="site-header"><nav><ul>"#);
    for i in 0..40 {
        let _ = write!(
            html,
            r#"<li class="menu-item menu-item-{i}"><a href="/category/item-{i}/">Category {i}</a></li>"#
        );
    }
    html.push_str("</ul></nav></header><main>");
    let mut n = 0;
    while html.len() < 145_000 {
        let _ = write!(
            html,
            r#"<section class="elementor-section elementor-top-section elementor-element-{n}" data-id="{n:x}">
<div class="elementor-container"><div class="product type-product post-{n} status-publish instock">
<a href="/product/sourdough-loaf-{n}/" class="woocommerce-LoopProduct-link"><img src="/wp-content/uploads/2023/11/loaf-{n}-300x300.jpg" alt="" loading="lazy" width="300" height="300"></a>
<h2 class="woocommerce-loop-product__title">Sourdough loaf number {n}</h2><span class="price"><bdi>$7.{n:02}</bdi></span>
<p>Our bakers start at four every morning so the bread is still warm when the doors open. Flour from the mill down the road, water, salt and patience.</p>
<a href="?add-to-cart={n}" data-quantity="1" class="button product_type_simple add_to_cart_button ajax_add_to_cart" rel="nofollow">Add to cart</a>
</div></div></section>
"#
        );
        n += 1;
    }
    html.push_str(r#"</main><footer><p>&copy; 2024 Riverside Bakery. Call (555) 010-2233.</p></footer>
<script src="https://bakery.example/wp-content/plugins/woocommerce/assets/js/frontend/add-to-cart.min.js?ver=8.4.0"></script>
<script src="https://bakery.example/wp-content/plugins/elementor/assets/js/frontend.min.js?ver=3.18.3"></script>
</body></html>"#);
    html
}

/// 3,000 technologies in Wappalyzer shape, with html, scriptSrc, header, meta and dom
/// patterns that mostly do not match (as on a real page).
fn synthetic_dataset(dir: &std::path::Path) {
    let tech_dir = dir.join("technologies");
    std::fs::create_dir_all(&tech_dir).expect("mkdir");
    let mut json = String::from("{");
    for i in 0..3000 {
        if i > 0 {
            json.push(',');
        }
        let _ = write!(
            json,
            r#""Synthetic {i}": {{"cats": [59],
              "html": ["<link[^>]+/synthetic-{i}/assets/", "data-synth{i}-root=\"([\\d.]+)\"\\;version:\\1"],
              "scriptSrc": ["synth-lib-{i}(?:\\.min)?\\.js(?:\\?ver=([\\d.]+))?\\;version:\\1", "cdn\\.synth{i}\\.example/"],
              "headers": {{"x-synth-{m}": "^synth{i}"}},
              "meta": {{"generator": "^Synth{i}(?: ([\\d.]+))?\\;version:\\1"}},
              "dom": ["div.synth-widget-{i}"],
              "implies": "Synthetic {j}"}}"#,
            m = i % 200,
            j = (i + 1) % 3000,
        );
    }
    json.push('}');
    std::fs::write(tech_dir.join("synthetic.json"), json).expect("write");
}

fn bench(c: &mut Criterion) {
    let html = page();
    let headers = vec![
        ("server".to_owned(), "nginx/1.18.0".to_owned()),
        ("x-powered-by".to_owned(), "PHP/7.4.33".to_owned()),
        (
            "content-type".to_owned(),
            "text/html; charset=UTF-8".to_owned(),
        ),
    ];
    let cookies = vec![("woocommerce_cart_hash".to_owned(), "abc".to_owned())];
    let doc = scraper::Html::parse_document(&html);
    let input = DetectInput {
        url: "https://bakery.example/",
        headers: &headers,
        cookies: &cookies,
        html: &html,
        doc: Some(&doc),
        ..DetectInput::default()
    };
    let embedded = Detector::embedded();
    assert!(embedded
        .detect(&input)
        .iter()
        .any(|t| t.name == "WooCommerce"));

    let dir = tempfile::tempdir().expect("tempdir");
    synthetic_dataset(dir.path());
    let full = Detector::with_dataset(dir.path()).expect("synthetic dataset loads");
    let text_file = dir.path().join("text.json");
    std::fs::write(
        &text_file,
        r#"{"Synthetic Text": {"cats": [59], "text": "Proudly made with Synth ([\\d.]+)\\;version:\\1"}}"#,
    )
    .expect("write");
    let with_text = Detector::with_dataset(&text_file).expect("text dataset loads");

    let mut group = c.benchmark_group("detect");
    group.throughput(Throughput::Bytes(html.len() as u64));
    group.bench_function("embedded_150kb", |b| {
        b.iter(|| embedded.detect(black_box(&input)))
    });
    group.bench_function("embedded_plus_3000_150kb", |b| {
        b.iter(|| full.detect(black_box(&input)))
    });
    group.bench_function("embedded_plus_text_rule_150kb", |b| {
        b.iter(|| with_text.detect(black_box(&input)))
    });
    group.bench_function("parse_and_detect_150kb", |b| {
        b.iter(|| {
            let doc = scraper::Html::parse_document(black_box(&html));
            embedded.detect(&DetectInput {
                doc: Some(&doc),
                ..input
            })
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
