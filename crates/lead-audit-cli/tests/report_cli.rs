//! `lead-audit report` end to end against fixture sites on loopback: the files it writes,
//! screenshots and PDF through Chromium, the pages' DOM in headless Chromium (sections,
//! grade, no request made, no page script run, no horizontal overflow on a phone or a
//! laptop), and reports from a results file and from the database.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod server;

use std::path::Path;
use std::process::{Command, Output};

use lead_audit_browser::{BrowserConfig, BrowserPool, Viewport};
use serde_json::Value;
use server::{start, Reply, Server};
use url::Url;

const HOSTILE: &str = r#"<script>alert(1)</script>"><img src=x onerror=alert(1)>"#;

/// Records what a page does before its own scripts run: alerts and blocked requests.
const WATCH: &str = r#"window.__alerts = 0; window.alert = function () { window.__alerts++; };
window.__violations = 0;
document.addEventListener('securitypolicyviolation', function () { window.__violations++; });"#;

/// What the tests read from a loaded report page.
const INSPECT: &str = r#"(() => ({
  sections: ['header', 'verdict', 'screenshots', 'findings', 'technologies', 'contacts']
    .filter(id => document.getElementById(id) !== null),
  grade: (document.getElementById('grade') || {}).textContent || null,
  title: document.title,
  scripts: document.scripts.length,
  images: Array.from(document.images).map(i => i.src.slice(0, 22)),
  imagesLoaded: Array.from(document.images).filter(i => i.complete && i.naturalWidth > 0).length,
  handlers: document.querySelectorAll('[onerror],[onload],[onclick]').length,
  resources: performance.getEntriesByType('resource').length,
  alerts: window.__alerts,
  violations: window.__violations,
  fits: document.documentElement.scrollWidth <= window.innerWidth,
  width: window.innerWidth
}))()"#;

fn chromium_present() -> bool {
    lead_audit_browser::find_chrome(None).is_ok()
}

/// Returns from the test when no browser is installed, except in CI, where the test command
/// installs one.
macro_rules! require_chromium {
    () => {
        if !chromium_present() {
            if std::env::var_os("CI").is_some() {
                panic!("CI is set but no Chromium was found: run scripts/install-chromium");
            }
            eprintln!(
                "skipping: no Chromium found (set CHROME_PATH or run scripts/install-chromium)"
            );
            return;
        }
    };
}

fn site() -> Server {
    let hostile = format!(
        r#"<!doctype html><html lang="de"><head><meta charset="utf-8"><title>{HOSTILE}</title>
<meta name="description" content='{}'></head><body><h1>Schlosserei Eisenherz</h1>
<p>Schreiben Sie an <a href="mailto:werkstatt@eisenherz-schlosserei.de">werkstatt@eisenherz-schlosserei.de</a>.</p>
<img src="/missing.png"><footer>© 2015</footer></body></html>"#,
        HOSTILE.replace('\'', "&#39;")
    );
    start(vec![
        ("/", Reply::Html(hostile)),
        (
            "/clean",
            Reply::Html(
                r#"<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>Harbor Bikes</title></head>
<body><h1>Harbor Bikes</h1><p>Call <a href="tel:+14155550132">(415) 555-0132</a>.</p></body></html>"#
                    .into(),
            ),
        ),
    ])
}

fn lead_audit(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_lead-audit"))
        .args(args)
        .args([
            "--allow-private-networks",
            "--no-domain-lookup",
            "--max-pages",
            "0",
            "--browser",
            "never",
        ])
        .output()
        .unwrap()
}

fn ok(out: &Output) -> String {
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "{stderr}");
    stderr
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn reports(dir: &Path, ext: &str) -> Vec<std::path::PathBuf> {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.extension().is_some_and(|e| e == ext)
                && p.file_name().is_some_and(|n| n != "index.html")
        })
        .collect();
    files.sort();
    files
}

fn pdf_pages(path: &Path) -> Option<u32> {
    let out = Command::new("pdfinfo").arg(path).output().ok()?;
    assert!(out.status.success(), "pdfinfo {}", path.display());
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|n| n.trim().parse().ok())
}

async fn inspect(pool: &BrowserPool, file: &Path, viewport: Viewport) -> Value {
    let url = Url::from_file_path(file).unwrap();
    pool.evaluate_document(&url, viewport, WATCH, INSPECT)
        .await
        .unwrap_or_else(|e| panic!("{}: {e}", file.display()))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reports_with_screenshots_and_pdfs_render_safely_in_chromium() {
    require_chromium!();
    let s = site();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("reports");
    let stderr = ok(&lead_audit(&[
        "report",
        &s.url("/"),
        &s.url("/clean"),
        "--pdf",
        "--timings",
        "--out",
        out.to_str().unwrap(),
    ]));
    assert!(
        stderr.contains("2 reports and the overview written"),
        "{stderr}"
    );
    assert!(stderr.contains("rendering"), "{stderr}");

    let html = reports(&out, "html");
    assert_eq!(html.len(), 2, "{html:?}");
    let hostile = read(&html[0]);
    assert_eq!(
        hostile.matches("src=\"data:image&#x2f;png;base64,").count(),
        2
    );
    assert!(hostile.contains("id=\"shot-desktop\"") && hostile.contains("id=\"shot-mobile\""));
    assert!(!hostile.to_ascii_lowercase().contains("<script"));
    assert!(hostile.contains("&lt;script&gt;alert(1)&lt;&#x2f;script&gt;"));
    let pdfs = reports(&out, "pdf");
    assert_eq!(pdfs.len(), 2);
    for pdf in &pdfs {
        match pdf_pages(pdf) {
            Some(pages) => assert!(pages >= 1, "{}", pdf.display()),
            None if std::env::var_os("CI").is_some() => {
                panic!("pdfinfo is missing: scripts/install-chromium installs poppler-utils")
            }
            None => eprintln!("pdfinfo not installed: page count not checked"),
        }
        assert!(std::fs::read(pdf).unwrap().starts_with(b"%PDF-"));
    }
    let index = read(&out.join("index.html"));
    assert!(index.contains("id=\"filter\""));
    let csv = read(&out.join("overview.csv"));
    let rows: Vec<csv::StringRecord> = csv::Reader::from_reader(csv.as_bytes())
        .records()
        .map(Result::unwrap)
        .collect();
    assert_eq!(rows.len(), 2);
    assert_eq!(&rows[1][1], "Harbor Bikes");

    let hits = s.total_hits();
    let pool = BrowserPool::new(BrowserConfig {
        tabs: 1,
        ..BrowserConfig::default()
    });
    for file in &html {
        for viewport in [Viewport::MOBILE, Viewport::DESKTOP] {
            let dom = inspect(&pool, file, viewport).await;
            let at = format!("{} at {}px: {dom}", file.display(), viewport.width);
            assert_eq!(dom["sections"].as_array().map(Vec::len), Some(6), "{at}");
            assert!(
                ["HOT", "WARM", "COLD"].contains(&dom["grade"].as_str().unwrap_or("")),
                "{at}"
            );
            assert_eq!(dom["scripts"], 0, "{at}");
            assert_eq!(dom["handlers"], 0, "{at}");
            assert_eq!(dom["alerts"], 0, "{at}");
            assert_eq!(dom["resources"], 0, "{at}");
            assert_eq!(dom["violations"], 0, "{at}");
            assert_eq!(dom["imagesLoaded"], 2, "{at}");
            for src in dom["images"].as_array().unwrap() {
                assert_eq!(src, "data:image/png;base64,", "{at}");
            }
            assert_eq!(dom["fits"], true, "{at}");
            assert_eq!(dom["width"], viewport.width, "{at}");
        }
    }
    let first = inspect(&pool, &html[0], Viewport::DESKTOP).await;
    assert!(first["title"]
        .as_str()
        .unwrap()
        .contains("<script>alert(1)</script>"));

    // The overview: fits both screens, loads nothing, and its sorter and filter work.
    let index = out.join("index.html");
    for viewport in [Viewport::MOBILE, Viewport::DESKTOP] {
        let url = Url::from_file_path(&index).unwrap();
        let dom = pool
            .evaluate_document(
                &url,
                viewport,
                WATCH,
                r#"(() => {
                  const rows = () => Array.from(document.querySelectorAll('#leads tbody tr'));
                  const visible = () => rows().filter(r => !r.hidden).length;
                  const first = () => rows()[0].cells[2].textContent.trim();
                  const points = document.querySelectorAll('#leads th')[2];
                  points.click();
                  const ascending = first();
                  points.click();
                  const descending = first();
                  const filter = document.getElementById('filter');
                  filter.value = 'harbor';
                  filter.dispatchEvent(new Event('input'));
                  const filtered = visible();
                  filter.value = '';
                  filter.dispatchEvent(new Event('input'));
                  const grade = document.getElementById('grade-filter');
                  grade.value = 'HOT';
                  grade.dispatchEvent(new Event('change'));
                  return { rows: rows().length, ascending, descending, filtered,
                    hot: visible(), sorted: points.getAttribute('aria-sort'),
                    resources: performance.getEntriesByType('resource').length,
                    violations: window.__violations,
                    fits: document.documentElement.scrollWidth <= window.innerWidth };
                })()"#,
            )
            .await
            .unwrap();
        assert_eq!(dom["rows"], 2, "{dom}");
        assert_eq!(dom["filtered"], 1, "{dom}");
        assert_eq!(dom["sorted"], "descending", "{dom}");
        let (asc, desc) = (dom["ascending"].as_str(), dom["descending"].as_str());
        let n = |v: Option<&str>| v.and_then(|v| v.parse::<i32>().ok()).unwrap();
        assert!(n(asc) <= n(desc), "{dom}");
        assert!(dom["hot"].as_u64().unwrap() <= 2, "{dom}");
        assert_eq!(dom["resources"], 0, "{dom}");
        assert_eq!(dom["violations"], 0, "{dom}");
        assert_eq!(dom["fits"], true, "{dom}");
    }
    pool.shutdown().await;
    assert_eq!(
        s.total_hits(),
        hits,
        "opening the reports requested the site"
    );
}

#[test]
fn without_chromium_the_report_says_so_and_still_renders() {
    let s = site();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("r");
    let missing = dir.path().join("no-chromium");
    let output = Command::new(env!("CARGO_BIN_EXE_lead-audit"))
        .args(["report", &s.url("/clean"), "--out", out.to_str().unwrap()])
        .args([
            "--allow-private-networks",
            "--no-domain-lookup",
            "--max-pages",
            "0",
        ])
        .args([
            "--browser",
            "never",
            "--chrome-path",
            missing.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    ok(&output);
    let html = read(&reports(&out, "html")[0]);
    assert!(
        html.contains("Screenshots unavailable:") && html.contains("configured browser"),
        "{html}"
    );
    assert!(html.contains("Harbor Bikes"));
    assert!(out.join("index.html").exists() && out.join("overview.csv").exists());

    // Asked for a PDF, it still writes every HTML file, then fails saying why.
    let output = Command::new(env!("CARGO_BIN_EXE_lead-audit"))
        .args(["report", &s.url("/clean"), "--pdf", "--no-screenshots"])
        .args(["--out", out.to_str().unwrap(), "--allow-private-networks"])
        .args(["--no-domain-lookup", "--browser", "never"])
        .args(["--chrome-path", missing.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("1 PDFs could not be printed"), "{stderr}");
    assert!(read(&reports(&out, "html")[0]).contains("turned off (--no-screenshots)"));
}

#[test]
fn reports_from_a_results_file_and_from_the_database() {
    let s = site();
    let dir = tempfile::tempdir().unwrap();
    let results = dir.path().join("results.jsonl");
    let db = format!("sqlite://{}", dir.path().join("leads.db").display());
    ok(&lead_audit(&[
        "audit",
        &s.url("/"),
        &s.url("/clean"),
        "--format",
        "jsonl",
        "--output",
        results.to_str().unwrap(),
        "--database",
        &db,
    ]));

    let from_file = dir.path().join("from-file");
    ok(&lead_audit(&[
        "report",
        "--results",
        results.to_str().unwrap(),
        "--lang",
        "de",
        "--no-screenshots",
        "--out",
        from_file.to_str().unwrap(),
    ]));
    let files = reports(&from_file, "html");
    assert_eq!(files.len(), 2);
    let page = read(&files[0]);
    assert!(page.contains("<html lang=\"de\">"));
    assert!(page.contains("Was wir gefunden haben"));
    assert!(read(&from_file.join("index.html")).contains("2 Websites geprüft"));

    let from_db = dir.path().join("from-db");
    ok(&lead_audit(&[
        "report",
        "--database",
        &db,
        "--no-screenshots",
        "--out",
        from_db.to_str().unwrap(),
    ]));
    assert_eq!(reports(&from_db, "html").len(), 2);
    let csv = read(&from_db.join("overview.csv"));
    assert!(csv.contains("Harbor Bikes"), "{csv}");

    let nothing = lead_audit(&["report", "--out", from_db.to_str().unwrap()]);
    assert!(!nothing.status.success());
    assert!(String::from_utf8_lossy(&nothing.stderr).contains("nothing to report on"));
}
