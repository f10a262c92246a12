//! Extraction + detection + checks on one ~150 KB small-business page: the per-page CPU cost
//! of the pipeline (fetching excluded).

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use lead_audit_core::analyze::{analyze_page, AnalyzeConfig, PageInput};
use lead_audit_core::extract::ExtractOptions;
use lead_audit_core::Detector;
use url::Url;

/// A deterministic page shaped like a WordPress small-business home page.
fn page() -> String {
    let mut html = String::from(
        r#"<!doctype html><html lang="en-US"><head><meta charset="utf-8"><title>Miller Plumbing | Springfield</title>
<meta name="viewport" content="width=device-width, initial-scale=1"><meta name="generator" content="WordPress 6.4.2">
<meta name="description" content="Family plumbers in Springfield."><meta property="og:title" content="Miller Plumbing">
<link rel="stylesheet" href="/wp-content/themes/astra/style.css?ver=4.1.0">
<link rel="stylesheet" href="https://fonts.googleapis.com/css?family=Open+Sans">
<script src="/wp-includes/js/jquery/jquery.min.js?ver=3.7.1"></script>
<script src="/wp-content/plugins/elementor/assets/js/frontend.min.js?ver=3.18.0"></script>
<script async src="https://www.googletagmanager.com/gtag/js?id=G-ABC123"></script>
<script>window.dataLayer=window.dataLayer||[];function gtag(){dataLayer.push(arguments);}gtag('js',new Date());gtag('config','G-ABC123');</script>
<script type="application/ld+json">{"@context":"https://schema.org","@type":"Plumber","name":"Miller Plumbing","telephone":"+1-415-555-0132","email":"office@millerplumbing.com","address":{"@type":"PostalAddress","addressCountry":"US"}}</script>
</head><body class="home page-template elementor-page"><header><nav>"#,
    );
    for i in 0..12 {
        html.push_str(&format!(r#"<a href="/service-{i}/">Service {i}</a> "#));
    }
    html.push_str(
        r#"<a href="/contact/">Contact</a> <a href="/about-us/">About us</a></nav></header><main>"#,
    );
    let mut i = 0;
    while html.len() < 145_000 {
        html.push_str(&format!(
            r#"<section class="elementor-section elementor-top-section" data-id="s{i}"><div class="elementor-container"><h2>Drain cleaning, repair #{i}</h2>
<p>Our licensed team handles blocked drains, leaking taps, boiler servicing and bathroom refits across Springfield
and the surrounding towns. Order SKU 4711-{i} ships in 2-3 days, price $129.99, call us on (415) 555-01{:02} today.</p>
<img src="/wp-content/uploads/2023/05/job-{i}.jpg" alt="Job {i}"><img src="/wp-content/uploads/logo@2x.png"></div></section>
"#,
            i % 100
        ));
        i += 1;
    }
    html.push_str(
        r#"</main><footer><p>Email <a href="mailto:office@millerplumbing.com">office@millerplumbing.com</a> or info [at] millerplumbing [dot] com</p>
<a href="https://www.facebook.com/millerplumbing">Facebook</a> <a href="https://www.instagram.com/millerplumbing/">Instagram</a>
<a href="https://twitter.com/intent/tweet?url=x">Share</a><p>© 2019 Miller Plumbing</p></footer></body></html>"#,
    );
    html
}

fn bench(c: &mut Criterion) {
    let html = page();
    let url = Url::parse("https://www.millerplumbing.com/").expect("literal URL");
    let headers = vec![
        ("server".to_owned(), "nginx/1.18.0".to_owned()),
        ("x-powered-by".to_owned(), "PHP/7.4.33".to_owned()),
        (
            "content-type".to_owned(),
            "text/html; charset=UTF-8".to_owned(),
        ),
    ];
    let detector = Detector::embedded();
    let config = AnalyzeConfig {
        detector,
        extract: ExtractOptions {
            lead_region: None,
            default_region: "US",
        },
        js: &[],
    };
    let input = PageInput {
        url: &url,
        html: &html,
        headers: &headers,
    };
    let mut group = c.benchmark_group("analyze");
    group.throughput(Throughput::Bytes(html.len() as u64));
    group.bench_function("page_150kb", |b| b.iter(|| analyze_page(&input, &config)));
    group.bench_function("detect_only_150kb", |b| {
        b.iter(|| {
            detector.detect(&lead_audit_core::DetectInput {
                url: url.as_str(),
                headers: &headers,
                html: &html,
                ..Default::default()
            })
        })
    });
    group.bench_function("parse_only_150kb", |b| {
        b.iter(|| scraper::Html::parse_document(&html))
    });
    // The bounded parse `analyze_page` uses, against scraper's own above.
    let unlimited = lead_audit_core::parse::Budget::unlimited();
    group.bench_function("parse_bounded_150kb", |b| {
        b.iter(|| lead_audit_core::parse::parse_document(&html, &unlimited))
    });
    let doc = scraper::Html::parse_document(&html);
    let opts = ExtractOptions {
        lead_region: None,
        default_region: "US",
    };
    group.bench_function("extract_only_150kb", |b| {
        b.iter(|| lead_audit_core::extract::extract_contacts(&doc, &url, &opts))
    });
    group.bench_function("detect_with_dom_150kb", |b| {
        b.iter(|| {
            detector.detect(&lead_audit_core::DetectInput {
                url: url.as_str(),
                headers: &headers,
                html: &html,
                doc: Some(&doc),
                ..Default::default()
            })
        })
    });
    group.bench_function("facts_only_150kb", |b| {
        b.iter(|| lead_audit_core::audit::page_facts(&doc, &url))
    });
    group.bench_function("links_only_150kb", |b| {
        b.iter(|| lead_audit_core::crawl::collect_links(&doc, &url))
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
