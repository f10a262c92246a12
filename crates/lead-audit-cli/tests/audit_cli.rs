//! The built `lead-audit` binary against a fixture server on 127.0.0.1.

#![allow(clippy::unwrap_used)]

mod server;

use std::process::{Command, Output};
use std::time::Duration;

use serde_json::Value;
use server::{start, Reply};

const HOME: &str = r#"<!doctype html><html lang="en"><head><title>Miller Plumbing — Springfield plumbers</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="WordPress 6.4.2">
<script src="/wp-includes/js/jquery/jquery.min.js?ver=3.7.1"></script></head>
<body><h1>Miller Plumbing</h1><p>Family plumbers serving Springfield since 1998. We fix leaks, install
water heaters and unblock drains, seven days a week, with upfront prices and tidy work.</p>
<nav><a href="/contact">Contact us</a> <a href="/about">About</a> <a href="/blog">Blog</a></nav>
<footer>© 2019 Miller Plumbing · <a href="https://www.facebook.com/millerplumbing">Facebook</a></footer>
</body></html>"#;

const CONTACT: &str = r#"<html><head><title>Contact</title></head><body><h1>Contact</h1>
<p>Call <a href="tel:+14155550132">(415) 555-0132</a> or write to <a href="mailto:office@millerplumbing.com?subject=Hi">office@millerplumbing.com</a>.</p>
<p>Fax: (415) 555-0133</p>
<p>Enough text here to make it a real page with an address: 12 Main Street, Springfield.</p></body></html>"#;

fn lead_audit(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_lead-audit"))
        .args(args)
        .env_remove("LEAD_AUDIT_ALLOW_PRIVATE_NETWORKS")
        .output()
        .unwrap()
}

/// Audits `url` with private networks allowed and no domain lookup (nothing leaves the machine).
fn audit_one(url: &str, extra: &[&str]) -> Value {
    let mut args = vec![
        "audit",
        url,
        "--allow-private-networks",
        "--no-domain-lookup",
        "--browser",
        "never",
    ];
    args.extend_from_slice(extra);
    let out = lead_audit(&args);
    assert!(
        out.status.success(),
        "exit {:?}: {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn kind(v: &Value) -> &str {
    v["error"]["kind"].as_str().unwrap_or("none")
}

#[test]
fn audits_a_small_site_and_crawls_its_contact_page() {
    let s = start(vec![
        ("/", Reply::Html(HOME.into())),
        ("/contact", Reply::Html(CONTACT.into())),
    ]);
    let r = audit_one(&s.url("/"), &[]);
    assert_eq!(r["reachable"], true);
    assert_eq!(r["httpStatus"], 200);
    assert_eq!(r["emails"][0], "office@millerplumbing.com");
    assert_eq!(r["phones"][0], "+14155550132");
    assert_eq!(r["faxes"], serde_json::json!(["+14155550133"]));
    assert_eq!(
        r["socials"]["facebook"],
        "https://www.facebook.com/millerplumbing"
    );
    // Every contact names the page it came from and how it was read.
    let contact = |kind: &str, value: &str| {
        r["contacts"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["kind"] == kind && c["value"] == value)
            .cloned()
            .unwrap_or_else(|| panic!("no {kind} {value} in {}", r["contacts"]))
    };
    let office = contact("email", "office@millerplumbing.com");
    assert_eq!(office["source"]["method"], "mailto");
    assert!(office["source"]["url"]
        .as_str()
        .unwrap()
        .ends_with("/contact"));
    assert_eq!(office["role"], true);
    assert_eq!(contact("phone", "+14155550132")["source"]["method"], "tel");
    assert_eq!(contact("fax", "+14155550133")["source"]["method"], "text");
    let fb = contact("social", "https://www.facebook.com/millerplumbing");
    assert_eq!(fb["platform"], "facebook");
    assert_eq!(fb["source"]["method"], "link");
    assert!(fb["source"]["url"].as_str().unwrap().ends_with('/'));
    let pages: Vec<&str> = r["pages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["url"].as_str().unwrap())
        .collect();
    assert!(pages.iter().any(|p| p.ends_with("/contact")), "{pages:?}");
    assert!(
        !pages.iter().any(|p| p.ends_with("/blog")),
        "blog is not a contact page: {pages:?}"
    );
    let techs: Vec<&str> = r["technologies"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    assert!(techs.contains(&"WordPress"), "{techs:?}");
    assert_eq!(r["audit"]["copyrightYear"], 2019);
    for field in [
        "url",
        "leadId",
        "finalUrl",
        "renderedWithBrowser",
        "domain",
        "score",
        "skipped",
        "auditedAt",
        "durationMs",
    ] {
        assert!(r.get(field).is_some(), "missing {field}");
    }
    assert!(["HOT", "WARM", "COLD"].contains(&r["score"]["grade"].as_str().unwrap()));
}

#[test]
fn loopback_is_blocked_without_the_opt_in_and_nothing_is_fetched() {
    let s = start(vec![("/", Reply::Html(HOME.into()))]);
    let out = lead_audit(&["audit", &s.url("/"), "--no-domain-lookup"]);
    assert!(out.status.success());
    let r: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(kind(&r), "blocked");
    assert_eq!(r["reachable"], false);
    assert_eq!(r["score"]["grade"], "COLD");
    assert_eq!(s.total_hits(), 0);
}

#[test]
fn a_public_looking_name_resolving_to_loopback_is_blocked() {
    let s = start(vec![("/", Reply::Html(HOME.into()))]);
    let url = format!("http://shop.example.com:{}/", s.addr.port());
    let out = lead_audit(&[
        "audit",
        &url,
        "--no-domain-lookup",
        "--resolve",
        "shop.example.com:127.0.0.1",
    ]);
    let r: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(kind(&r), "blocked", "{r}");
    assert_eq!(s.total_hits(), 0);
}

#[test]
fn redirects_are_followed_to_the_final_url() {
    let s = start(vec![
        ("/", Reply::Redirect(301, "/home".into())),
        ("/home", Reply::Redirect(302, "/welcome/".into())),
        ("/welcome/", Reply::Html(HOME.into())),
    ]);
    let r = audit_one(&s.url("/"), &["--max-pages", "0"]);
    assert_eq!(r["finalUrl"], s.url("/welcome/"));
    assert_eq!(r["reachable"], true);
}

#[test]
fn a_redirect_loop_is_a_result() {
    let s = start(vec![
        ("/", Reply::Redirect(302, "/a".into())),
        ("/a", Reply::Redirect(302, "/".into())),
    ]);
    let r = audit_one(&s.url("/"), &[]);
    assert_eq!(r["reachable"], false);
    assert_eq!(kind(&r), "http_status");
}

#[test]
fn a_site_that_never_answers_times_out_as_a_result() {
    let s = start(vec![(
        "/",
        Reply::Slow(Duration::from_secs(30), HOME.into()),
    )]);
    let r = audit_one(&s.url("/"), &["--timeout", "1"]);
    assert_eq!(r["reachable"], false);
    assert_eq!(kind(&r), "timeout");
}

#[test]
fn server_errors_and_pdfs_are_unreachable_results() {
    let s = start(vec![
        ("/", Reply::Status(500, "boom".into())),
        (
            "/doc",
            Reply::Bytes {
                content_type: "application/pdf",
                body: b"%PDF-1.4 ...".to_vec(),
            },
        ),
    ]);
    let r = audit_one(&s.url("/"), &["--timeout", "5"]);
    assert_eq!(
        (r["reachable"].as_bool(), kind(&r), r["httpStatus"].as_u64()),
        (Some(false), "http_status", Some(500))
    );
    assert!(s.hits("/") >= 2, "5xx is retried");
    let r = audit_one(&s.url("/doc"), &[]);
    assert_eq!(
        (r["reachable"].as_bool(), kind(&r)),
        (Some(false), "not_html")
    );
}

#[test]
fn a_six_megabyte_page_is_cut_at_the_cap_and_still_audited() {
    let mut page =
        String::from("<html><head><title>Big</title></head><body><p>Mail hello@bigpage.com</p>");
    while page.len() < 6 * 1024 * 1024 {
        page.push_str("<p>Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor.</p>\n");
    }
    page.push_str("<p>late@bigpage.com</p></body></html>");
    let s = start(vec![("/", Reply::Html(page))]);
    let r = audit_one(&s.url("/"), &[]);
    assert_eq!(r["reachable"], true);
    assert_eq!(kind(&r), "too_large");
    assert_eq!(r["pages"][0]["bytes"], 5 * 1024 * 1024);
    assert_eq!(r["emails"], serde_json::json!(["hello@bigpage.com"]));
}

#[test]
fn robots_txt_keeps_the_crawler_off_a_disallowed_contact_page() {
    let s = start(vec![
        ("/", Reply::Html(HOME.into())),
        ("/contact", Reply::Html(CONTACT.into())),
        (
            "/about",
            Reply::Html("<html><body><h1>About</h1><p>We are plumbers.</p></body></html>".into()),
        ),
        (
            "/robots.txt",
            Reply::Bytes {
                content_type: "text/plain",
                body: b"User-agent: *\nDisallow: /contact\n".to_vec(),
            },
        ),
    ]);
    let r = audit_one(&s.url("/"), &[]);
    assert_eq!(s.hits("/contact"), 0);
    assert_eq!(s.hits("/about"), 1);
    assert_eq!(r["emails"], serde_json::json!([]));
    assert_eq!(r["audit"]["robotsTxt"], true);
}

#[test]
fn a_windows_1252_page_decodes_right() {
    let mut body = b"<html><head><meta charset=\"windows-1252\"><title>B\xe4ckerei M\xfcller \x96 Caf\xe9</title></head>".to_vec();
    body.extend_from_slice(
        b"<body><h1>B\xe4ckerei</h1><p>Kontakt: info@baeckerei-mueller.de</p></body></html>",
    );
    let s = start(vec![(
        "/",
        Reply::Bytes {
            content_type: "text/html",
            body,
        },
    )]);
    let r = audit_one(&s.url("/"), &[]);
    assert_eq!(r["audit"]["title"], "Bäckerei Müller – Café");
}

#[test]
fn invalid_urls_are_results_and_bad_arguments_fail() {
    let r = audit_one("http://exa mple.com", &[]);
    assert_eq!(kind(&r), "invalid_url");
    let out = lead_audit(&["audit", "example.com", "--format", "xml"]);
    assert!(!out.status.success());
    let out = lead_audit(&["audit", "--input", "/nonexistent/leads.csv"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("/nonexistent/leads.csv"));
    let out = lead_audit(&["audit"]);
    assert!(!out.status.success());
}

/// Leads as Node backends write them: integer ids, aliases, extra fields; a bad line is a
/// result for that line and the rest of the file is still audited.
#[test]
fn jsonl_input_takes_numeric_ids_and_survives_a_bad_line() {
    let s = start(vec![
        ("/", Reply::Html(HOME.into())),
        ("/contact", Reply::Html(CONTACT.into())),
    ]);
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("leads.jsonl");
    let url = s.url("/");
    std::fs::write(
        &input,
        format!(
            "{{\"leadId\": 42, \"website\": \"{url}\", \"campaign\": \"q3\"}}\n\
             {{\"id\": 7, \"url\": \"{url}\"}}\n\
             {{not json\n\
             {{\"leadId\": 8, \"website\": 1234}}\n"
        ),
    )
    .unwrap();
    let out = lead_audit(&[
        "audit",
        "--input",
        input.to_str().unwrap(),
        "--allow-private-networks",
        "--no-domain-lookup",
        "--browser",
        "never",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let results: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(results.len(), 4);
    assert_eq!(results[0]["leadId"], "42");
    assert_eq!(results[0]["emails"][0], "office@millerplumbing.com");
    assert_eq!(results[1]["leadId"], "7");
    assert_eq!(results[1]["reachable"], true);
    assert_eq!(kind(&results[2]), "invalid_url");
    assert!(results[2]["error"]["message"]
        .as_str()
        .unwrap()
        .starts_with("line 3"));
    assert_eq!(kind(&results[3]), "invalid_url");
    assert!(results[3]["error"]["message"]
        .as_str()
        .unwrap()
        .contains("website"));
}

#[test]
fn csv_input_to_jsonl_and_csv_output() {
    let s = start(vec![
        ("/", Reply::Html(HOME.into())),
        ("/contact", Reply::Html(CONTACT.into())),
    ]);
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("leads.csv");
    std::fs::write(
        &input,
        format!(
            "id,company_name,website\n1,Miller,{}\n2,Nobody,\n3,Broken,http://127.0.0.1:1/\n",
            s.url("/")
        ),
    )
    .unwrap();
    let args = [
        "audit",
        "--input",
        input.to_str().unwrap(),
        "--allow-private-networks",
        "--no-domain-lookup",
        "--format",
        "jsonl",
    ];
    let out = lead_audit(&args);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let lines: Vec<Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 3);
    let by_id = |id: &str| lines.iter().find(|l| l["leadId"] == id).unwrap();
    assert_eq!(by_id("1")["reachable"], true);
    assert!(by_id("2")["skipped"].as_str().unwrap().contains("unusable"));
    assert_eq!(kind(by_id("3")), "connect");

    let csv_path = dir.path().join("out.csv");
    let mut args = args.to_vec();
    args.pop();
    args.extend(["csv", "--output", csv_path.to_str().unwrap()]);
    assert!(lead_audit(&args).status.success());
    let text = std::fs::read_to_string(&csv_path).unwrap();
    let mut rows = csv::Reader::from_reader(text.as_bytes());
    let headers = rows.headers().unwrap().clone();
    let col = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let (faxes, contacts) = (col("faxes"), col("contacts"));
    let records: Vec<csv::StringRecord> = rows.records().map(Result::unwrap).collect();
    assert_eq!(records.len(), 3);
    assert!(text.contains("office@millerplumbing.com"));
    let reached = records
        .iter()
        .find(|r| r[contacts].contains("office@millerplumbing.com"))
        .unwrap();
    assert_eq!(&reached[faxes], "+14155550133");
    let sources: Value = serde_json::from_str(&reached[contacts]).unwrap();
    assert!(sources
        .as_array()
        .unwrap()
        .iter()
        .any(|c| c["source"]["method"] == "mailto" && c["role"] == true));
}

#[test]
fn domain_age_comes_from_a_local_rdap_server_for_a_resolved_host() {
    let site = start(vec![("/", Reply::Html(HOME.into()))]);
    let rdap_port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let bootstrap = format!(
        r#"{{"version":"1.0","publication":"2026-01-01T00:00:00Z","services":[[["com"],["http://127.0.0.1:{rdap_port}/rdap/"]]]}}"#
    );
    let domain = r#"{"objectClassName":"domain","ldhName":"MILLER-PLUMBING.COM","events":[
        {"eventAction":"registration","eventDate":"2003-04-07T18:21:09Z"},
        {"eventAction":"expiration","eventDate":"2027-04-07T18:21:09Z"}]}"#;
    let rdap = server::start_on(
        rdap_port,
        vec![
            (
                "/dns.json",
                Reply::Bytes {
                    content_type: "application/json",
                    body: bootstrap.into_bytes(),
                },
            ),
            (
                "/rdap/domain/miller-plumbing.com",
                Reply::Bytes {
                    content_type: "application/rdap+json",
                    body: domain.as_bytes().to_vec(),
                },
            ),
        ],
    );
    let cache = tempfile::tempdir().unwrap();
    let url = format!("http://miller-plumbing.com:{}/", site.addr.port());
    let out = Command::new(env!("CARGO_BIN_EXE_lead-audit"))
        .args([
            "audit",
            &url,
            "--allow-private-networks",
            "--browser",
            "never",
            "--max-pages",
            "0",
        ])
        .args(["--resolve", "miller-plumbing.com:127.0.0.1"])
        .env("LEAD_AUDIT_RDAP_BOOTSTRAP", rdap.url("/dns.json"))
        .env("LEAD_AUDIT_CACHE_DIR", cache.path())
        .env("LEAD_AUDIT_WHOIS_SERVERS", "")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let r: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(r["reachable"], true, "{r}");
    assert_eq!(r["domain"]["name"], "miller-plumbing.com");
    assert_eq!(r["domain"]["registeredAt"], "2003-04-07T18:21:09Z");
    assert_eq!(r["domain"]["source"], "rdap");
    assert!(r["domain"]["ageDays"].as_i64().unwrap() > 8000);
    assert!(site.hits("/") >= 1);
}
