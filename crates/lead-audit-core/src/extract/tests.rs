//! Whole-page extraction: each rule of `docs/extract.md` in a small document.

use super::*;

fn run(url: &str, html: &str) -> Contacts {
    run_with(url, html, None)
}

fn run_with(url: &str, html: &str, lead_region: Option<&str>) -> Contacts {
    let doc = Html::parse_document(html);
    let url = Url::parse(url).unwrap();
    extract_contacts(
        &doc,
        &url,
        &ExtractOptions {
            lead_region,
            default_region: "US",
        },
    )
}

#[test]
fn mailto_entities_and_attributes() {
    let c = run(
        "https://miller.com/",
        r#"<p>Write to <a href="mailto:&#105;nfo&#64;miller.com?subject=Quote">us</a>,
           sales&#64;miller.com or support&commat;miller.com or jobs&#x40;miller.com</p>"#,
    );
    assert_eq!(
        c.emails,
        [
            "info@miller.com",
            "sales@miller.com",
            "support@miller.com",
            "jobs@miller.com"
        ]
    );
}

#[test]
fn block_text_is_not_glued() {
    let c = run(
        "https://huber.de/",
        "<table><tr><td>info</td><td>@huber.de</td></tr></table><p>kontakt</p><p>@huber.de</p>\
         <p>office<br>@huber.de</p><ul><li>Tel. 0221</li><li>9876540</li></ul>\
         <div>call</div><div>4155550132</div><p>Tel. 030<sup>1</sup>1234567</p>",
    );
    assert!(c.emails.is_empty(), "{:?}", c.emails);
    assert!(c.phones.is_empty(), "{:?}", c.phones);
}

#[test]
fn inline_text_is_joined() {
    let c = run(
        "https://huber.de/",
        r#"<p><strong>Telefon:</strong> <span style="font-size:16px"><span>0221</span> 9876540</span></p>
           <p><b>Mobil:</b> <span>0171</span> <span>234</span> <span>5678</span></p>
           <p><strong>E-Mail:</strong> <span>kontakt</span><span>@</span><span>huber.de</span></p>
           <p><em>info</em>&#64;<a>huber.de</a></p>"#,
    );
    assert_eq!(c.emails, ["kontakt@huber.de", "info@huber.de"]);
    assert_eq!(c.phones, ["+492219876540", "+491712345678"]);
}

#[test]
fn bare_at_address_is_a_whole_text_node() {
    let c = run(
        "https://sparks.com/",
        "<li>General: <span>office at sparks dot com</span></li>\
         <li>Meet us at <b>Main Street</b> dot com stores</li>",
    );
    assert_eq!(c.emails, ["office@sparks.com"]);
}

#[test]
fn a_label_and_number_in_separate_inline_elements() {
    let c = run(
        "https://huber.de/",
        "<p><b>Tel</b><span>030 1234567</span></p><p><b>Fax</b><span>030 1234568</span></p>",
    );
    assert_eq!(c.phones, ["+49301234567"]);
}

#[test]
fn phone_icon_cues_only_its_own_number() {
    let c = run(
        "https://miller.com/",
        r#"<p>Ref 4155550188 <i class="fa fa-phone"></i> <span>4155550132</span></p>"#,
    );
    assert_eq!(c.phones, ["+14155550132"]);
}

#[test]
fn cloudflare_protection() {
    let hex: String = std::iter::once(0x5au8)
        .chain("hello@bistro.fr".bytes().map(|b| b ^ 0x5a))
        .map(|b| format!("{b:02x}"))
        .collect();
    let html = format!(
        r#"<a href="/cdn-cgi/l/email-protection" class="__cf_email__" data-cfemail="{hex}">[email&#160;protected]</a>
           <a href="/cdn-cgi/l/email-protection#{hex}">Email</a>"#
    );
    assert_eq!(run("https://bistro.fr/", &html).emails, ["hello@bistro.fr"]);
}

#[test]
fn scripts_styles_and_noscript_are_not_text() {
    let c = run(
        "https://miller.com/",
        r#"<script>var dsn="https://abc@o1.ingest.sentry.io/1"; var tel="4155550132"; var m="owner@miller.com";</script>
           <style>.a{background:url(logo@2x.png)}</style>
           <noscript><img src="https://www.facebook.com/tr?id=1234567890123&ev=PageView"></noscript>
           <p>Nothing here</p>"#,
    );
    assert_eq!(c, Contacts::default());
}

#[test]
fn json_ld_and_microdata() {
    let c = run(
        "https://www.baeckerei-huber.com/",
        r#"<html lang="de"><head><script type="application/ld+json">
        {"@context":"https://schema.org","@graph":[{"@type":"Bakery","email":"info@baeckerei-huber.com",
         "telephone":"089 1234567","address":{"addressCountry":"DE"},
         "contactPoint":{"@type":"ContactPoint","email":"bestellung@baeckerei-huber.com"},
         "sameAs":["https://www.instagram.com/baeckerei.huber/"]}]}
        </script><meta itemprop="email" content="presse@baeckerei-huber.com"></head><body></body></html>"#,
    );
    assert_eq!(
        c.emails,
        [
            "info@baeckerei-huber.com",
            "bestellung@baeckerei-huber.com",
            "presse@baeckerei-huber.com"
        ]
    );
    assert_eq!(c.phones, ["+49891234567"]);
    assert_eq!(
        c.socials.get("instagram").map(String::as_str),
        Some("https://www.instagram.com/baeckerei.huber")
    );
}

#[test]
fn region_from_lead_lang_and_tld() {
    let html = "<p>Tel. 030 1234567</p>";
    assert_eq!(run("https://huber.de/", html).phones, ["+49301234567"]);
    assert!(run("https://huber.com/", html).phones.is_empty());
    assert_eq!(
        run_with("https://huber.com/", html, Some("de")).phones,
        ["+49301234567"]
    );
    let lang = r#"<html lang="de-AT"><body><p>Tel. 01 5871234</p></body></html>"#;
    assert_eq!(run("https://huber.com/", lang).phones, ["+4315871234"]);
    let uk = "<p>Call us on 020 7946 0958</p>";
    assert_eq!(
        run("https://smith-joinery.co.uk/", uk).phones,
        ["+442079460958"]
    );
}

#[test]
fn phone_icons_and_labels_in_other_elements() {
    let c = run(
        "https://miller.com/",
        r#"<div class="contact"><i class="fa fa-phone"></i> <span>4155550132</span></div>
           <p><strong>Phone:</strong> 415 555 0199</p>
           <p><strong>Fax:</strong> (415) 555-0188</p>"#,
    );
    assert_eq!(c.phones, ["+14155550132", "+14155550199"]);
}

#[test]
fn tel_links_and_dedupe() {
    let c = run(
        "https://miller.com/",
        r#"<a href="tel:+14155550132">(415) 555-0132</a> <a href="tel:%2B1%20415%20555%200132">Call</a>"#,
    );
    assert_eq!(c.phones, ["+14155550132"]);
}

#[test]
fn socials_first_profile_wins_and_shares_are_ignored() {
    let c = run(
        "https://miller.com/",
        r#"<a href="https://www.facebook.com/sharer/sharer.php?u=x">Share</a>
           <a href="https://www.facebook.com/millerplumbing">fb</a>
           <a href="https://www.facebook.com/other">fb2</a>
           <a href="https://twitter.com/intent/tweet?url=x">tweet</a>
           <a href="https://twitter.com/millerplumb">x</a>"#,
    );
    assert_eq!(c.socials.len(), 2);
    assert_eq!(
        c.socials["facebook"],
        "https://www.facebook.com/millerplumbing"
    );
    assert_eq!(c.socials["x"], "https://x.com/millerplumb");
}

#[test]
fn ranking() {
    let mut v: Vec<String> = [
        "jane@gmail.com",
        "Mark@Miller.com",
        "info@partner.com",
        "info@miller.com",
        "noreply@miller.com",
        "mark@miller.com",
        "office@shop.miller.com",
    ]
    .map(String::from)
    .to_vec();
    rank_emails(&mut v, Some("miller.com"));
    assert_eq!(
        v,
        [
            "info@miller.com",
            "office@shop.miller.com",
            "mark@miller.com",
            "info@partner.com",
            "jane@gmail.com"
        ]
    );
}

#[test]
fn data_files_load() {
    assert!(email::is_free_mail("web.de"));
    assert!(social::profile("https://x.com/a", &Url::parse("https://a.com").unwrap()).is_some());
    assert!(region::from_country("Österreich").is_some());
}

#[test]
fn phone_classes() {
    for c in [
        "fa-phone",
        "header-Phone",
        "TEL",
        "tel-link",
        "icon-call",
        "fa-mobile-alt",
        "telefonnummer",
    ] {
        assert!(is_phone_class(c), "{c}");
    }
    for c in ["telegram", "hotel", "callout", "mobile-menu", "container"] {
        assert!(!is_phone_class(c), "{c}");
    }
}

#[test]
fn typo3_scrambled_links_link_and_meta_addresses() {
    let c = run(
        "https://www.baeckerei-schmidt.de/impressum",
        r##"<html><head>
           <meta name="reply-to" content="Anfragen &lt;anfrage@baeckerei-schmidt.de&gt;">
           <meta name="EMAIL" content="buero@baeckerei-schmidt.de">
           <meta name="description" content="kein@beispiel.de steht nur in der Beschreibung">
           <link rel="author" href="mailto:inhaber@baeckerei-schmidt.de">
           <link rel="stylesheet" href="/style.css">
           </head><body>
           <p>E-Mail: <a href="javascript:linkTo_UnCryptMailto('nbjmup+jogpAcbfdlfsfj.tdinjeu/ef');">info(at)baeckerei-schmidt.de</a></p>
           <p><a href="#" data-mailto-token="ocknvq,mqpvcmvBdcgemgtgk/uejokfv0fg" data-mailto-vector="2">Kontakt</a></p>
           <p><a href="javascript:linkTo_UnCryptMailto('kein-token');">kaputt</a></p>
           </body></html>"##,
    );
    for e in [
        "anfrage@baeckerei-schmidt.de",
        "buero@baeckerei-schmidt.de",
        "inhaber@baeckerei-schmidt.de",
        "info@baeckerei-schmidt.de",
        "kontakt@baeckerei-schmidt.de",
    ] {
        assert!(
            c.emails.iter().any(|x| x == e),
            "{e} missing: {:?}",
            c.emails
        );
    }
    assert!(
        !c.emails.iter().any(|x| x == "kein@beispiel.de"),
        "a description's text is not an address of the page: {:?}",
        c.emails
    );
}

#[test]
fn channels_beyond_the_social_networks() {
    let c = run(
        "https://www.baeckerei-huber.de/",
        r#"<footer>
           <a href="https://wa.me/4915112345678">WhatsApp</a>
           <a href="https://api.whatsapp.com/send?text=Schau%20mal">Teilen</a>
           <a href="https://g.page/baeckerei-huber?share">Google</a>
           <a href="https://chaos.social/@baeckerei_huber">Mastodon</a>
           <a href="/@neuigkeiten">Neuigkeiten</a>
           <a href="https://t.me/share/url?url=x">Telegram teilen</a>
           </footer>"#,
    );
    assert_eq!(c.phones, ["+4915112345678"], "a chat link is a phone too");
    let keys: Vec<&str> = c.socials.keys().map(String::as_str).collect();
    assert_eq!(keys, ["google_business", "mastodon", "whatsapp"]);
}
