//! Provenance of whole-page extraction: the method each contact was read by, and faxes.

use super::*;
use ContactKind::{Email, Fax, Phone, Social};
use ContactMethod::*;

fn run(url: &str, html: &str) -> Contacts {
    run_in("DE", url, html)
}

/// Extracts with `default_region` as the only region the caller knows.
fn run_in(default_region: &str, url: &str, html: &str) -> Contacts {
    let doc = Html::parse_document(html);
    let url = Url::parse(url).unwrap();
    extract_contacts(
        &doc,
        &url,
        &ExtractOptions {
            lead_region: None,
            default_region,
        },
    )
}

#[test]
fn every_method_is_named() {
    let c = run(
        "https://kraus-bau.de/kontakt",
        r#"<html><head>
          <meta name="reply-to" content="redaktion@kraus-bau.de">
          <link rel="author" href="mailto:autor@kraus-bau.de">
          <script type="application/ld+json">{"@type":"LocalBusiness","email":"buero@kraus-bau.de",
            "telephone":"+49 30 1111111","faxNumber":"+49 30 1111112",
            "sameAs":["https://www.instagram.com/kraus-bau"]}</script>
        </head><body>
          <a href="mailto:info@kraus-bau.de">Mail</a>
          <a href="tel:+493022222222">Anrufen</a>
          <a href="/cdn-cgi/l/email-protection" class="__cf_email__" data-cfemail="6c070d1f1f092c071e0d191f410e0d19420809">x</a>
          <a href="javascript:linkTo_UnCryptMailto('nbjmup+ufbnAlsbvt.cbv/ef');">Team</a>
          <span itemprop="email" content="shop@kraus-bau.de"></span>
          <span itemprop="faxNumber" content="+49 30 3333333"></span>
          <p>Oder schreiben Sie an jobs@kraus-bau.de</p>
          <p>Telefon 030 4444444 · Fax 030 5555555</p>
          <a href="https://www.facebook.com/kraus-bau">Facebook</a>
          <a href="https://wa.me/4915112345678">WhatsApp</a>
        </body></html>"#,
    );
    let m = |k, v: &str| c.method(k, v);
    assert_eq!(m(Email, "redaktion@kraus-bau.de"), Some(Meta));
    assert_eq!(m(Email, "autor@kraus-bau.de"), Some(Mailto));
    assert_eq!(m(Email, "buero@kraus-bau.de"), Some(Jsonld));
    assert_eq!(m(Email, "info@kraus-bau.de"), Some(Mailto));
    assert_eq!(m(Email, "team@kraus-bau.de"), Some(Obfuscated));
    assert_eq!(m(Email, "kasse@kraus-bau.de"), Some(Cfemail));
    assert_eq!(m(Email, "shop@kraus-bau.de"), Some(Microdata));
    assert_eq!(m(Email, "jobs@kraus-bau.de"), Some(Text));
    assert_eq!(m(Phone, "+49301111111"), Some(Jsonld));
    assert_eq!(m(Phone, "+493022222222"), Some(Tel));
    assert_eq!(m(Phone, "+49304444444"), Some(Text));
    assert_eq!(m(Phone, "+4915112345678"), Some(Link));
    assert_eq!(m(Fax, "+49301111112"), Some(Jsonld));
    assert_eq!(m(Fax, "+49303333333"), Some(Microdata));
    assert_eq!(m(Fax, "+49305555555"), Some(Text));
    assert_eq!(
        m(Social, "https://www.instagram.com/kraus-bau"),
        Some(Jsonld)
    );
    assert_eq!(m(Social, "https://www.facebook.com/kraus-bau"), Some(Link));
    assert_eq!(c.faxes, ["+49301111112", "+49303333333", "+49305555555"]);
    assert!(!c.phones.iter().any(|p| c.faxes.contains(p)));
    // Every value listed has its method, and nothing else is listed.
    let listed = c.emails.len() + c.phones.len() + c.faxes.len() + c.socials.len();
    assert_eq!(c.methods.len(), listed);
}

#[test]
fn cloudflare_addresses_are_named_as_such() {
    let c = run(
        "https://kraus-bau.de/",
        r#"<span class="__cf_email__" data-cfemail="2a4349426a41584b5f5907484b5f044e4f">[email protected]</span>"#,
    );
    assert_eq!(c.emails.len(), 1, "{c:?}");
    assert_eq!(c.method(Email, &c.emails[0]), Some(Cfemail));
}

#[test]
fn the_first_method_on_the_page_wins() {
    let c = run(
        "https://kraus-bau.de/",
        r#"<p>info@kraus-bau.de</p><a href="mailto:INFO@kraus-bau.de">Mail</a>"#,
    );
    assert_eq!(c.emails, ["info@kraus-bau.de"]);
    assert_eq!(c.method(Email, "info@kraus-bau.de"), Some(Text));
}

#[test]
fn fax_only_pages_and_hostile_labels() {
    let c = run(
        "https://kraus-bau.de/",
        "<p>Telefax: 030 1234567</p><p>Halifax 030 7654321</p>",
    );
    assert_eq!(c.faxes, ["+49301234567"]);
    // `Halifax` is a word, not a fax label.
    assert!(!c.faxes.contains(&"+49307654321".to_owned()));
    let many = "<p>Fax 030 1234567</p>".repeat(20_000);
    let c = run("https://kraus-bau.de/", &many);
    assert_eq!(c.faxes, ["+49301234567"]);
    assert_eq!(c.methods.len(), 1);
}

fn run_en(url: &str, html: &str) -> Contacts {
    run_in("US", url, html)
}

#[test]
fn a_uk_mobile_on_a_com_site_is_read_the_british_way() {
    // Neither the lead nor the TLD nor `<html lang>` names the country.
    let og = r#"<html lang="en"><head><meta property="og:locale" content="en_GB"></head>
        <body><p>Call Dave on 07912 345678 for a quote.</p></body></html>"#;
    assert_eq!(
        run_en("https://daves-roofing.com/", og).phones,
        ["+447912345678"]
    );
    let intl = r#"<html lang="en"><body><header>Office +44 20 7946 0958</header>
        <p>Call Dave on 07912 345678 for a quote.</p></body></html>"#;
    assert_eq!(
        run_en("https://daves-roofing.com/", intl).phones,
        ["+442079460958", "+447912345678"]
    );
    // Without a hint the number is not guessed into the default region.
    let bare = r#"<html lang="en"><body><p>Call Dave on 07912 345678.</p></body></html>"#;
    assert!(run_en("https://daves-roofing.com/", bare).phones.is_empty());
}
