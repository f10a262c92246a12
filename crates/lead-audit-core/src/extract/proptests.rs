//! Properties of the extractors over arbitrary text and markup: no panic, output no larger
//! than the input allows, every email valid by the extractor's own rules, same input same
//! output.

use proptest::prelude::*;
use serde_json::Value;

use super::*;

/// The shortest address `a@b.cc` is six bytes; a third of the input is a generous bound.
fn email_bound(input_len: usize) -> usize {
    input_len / 3
}

fn url() -> Url {
    Url::parse("https://www.miller-plumbing.de/kontakt").unwrap()
}

fn extract(html: &str) -> Contacts {
    let doc = Html::parse_document(html);
    extract_contacts(
        &doc,
        &url(),
        &ExtractOptions {
            lead_region: None,
            default_region: "US",
        },
    )
}

/// Checks what every extraction result must satisfy for an input of `len` bytes.
fn check_contacts(c: &Contacts, len: usize) -> Result<(), TestCaseError> {
    prop_assert!(
        c.emails.len() <= email_bound(len),
        "{} emails from {len} bytes",
        c.emails.len()
    );
    prop_assert!(
        c.phones.len() <= len / 3,
        "{} phones from {len} bytes",
        c.phones.len()
    );
    check_emails(&c.emails)?;
    let unique: HashSet<&String> = c.emails.iter().collect();
    prop_assert_eq!(unique.len(), c.emails.len(), "duplicates in {:?}", c.emails);
    for p in &c.phones {
        prop_assert!(
            p.len() >= 2 && p.starts_with('+') && p[1..].bytes().all(|b| b.is_ascii_digit()),
            "not E.164: {p:?}"
        );
    }
    for (platform, profile) in &c.socials {
        let u = Url::parse(profile);
        prop_assert!(u.is_ok(), "{platform}: not a URL: {profile:?}");
    }
    Ok(())
}

/// Each address is lowercased and passes the validator unchanged.
fn check_emails(emails: &[String]) -> Result<(), TestCaseError> {
    for e in emails {
        prop_assert_eq!(e, &e.to_lowercase());
        let again = email::normalize(e);
        prop_assert_eq!(again.as_ref(), Some(e), "not valid: {:?}", e);
    }
    Ok(())
}

/// Pieces of pages: links with any scheme and content, JSON-LD with any content, entities,
/// attributes the extractor reads, and arbitrary Unicode text.
fn piece() -> impl Strategy<Value = String> {
    let text = "\\PC{0,24}";
    let href_body = "[^\"]{0,40}";
    prop_oneof![
        text.prop_map(|t| t),
        "[a-zA-Z0-9._%+-]{1,12}@[a-z0-9äöü-]{1,10}\\.(com|de|co\\.uk|io|png|js)".prop_map(|e| e),
        "[a-z]{1,6} ?[\\[({<] ?(at|@|ät) ?[\\])}>] ?[a-z]{1,6} ?[\\[({] ?(dot|punkt) ?[\\])}] ?(com|de)"
            .prop_map(|e| e),
        "\\+?[0-9 ()./-]{5,24}".prop_map(|p| p),
        (prop_oneof![Just("mailto:"), Just("MAILTO://"), Just("tel:"), Just("callto:"), Just("")], href_body)
            .prop_map(|(s, b)| format!("<a href=\"{s}{b}\">x</a>")),
        href_body.prop_map(|b| format!("<a href=\"https://www.facebook.com/{b}\">f</a>")),
        "[0-9a-fA-F]{0,40}".prop_map(|h| format!(
            "<a href=\"/cdn-cgi/l/email-protection#{h}\"></a><span data-cfemail=\"{h}\"></span>"
        )),
        "[^<]{0,60}".prop_map(|j| format!("<script type=\"application/ld+json\">{j}</script>")),
        json_ld().prop_map(|v| format!("<script type=\"application/ld+json\">{v}</script>")),
        (prop_oneof![Just("email"), Just("telephone")], "[^\"]{0,30}")
            .prop_map(|(p, c)| format!("<meta itemprop=\"{p}\" content=\"{c}\">")),
        "[a-z-]{0,12}".prop_map(|c| format!("<span class=\"{c}\">")),
        Just("&#64;".to_owned()),
        Just("&commat;".to_owned()),
        Just("<br>".to_owned()),
        Just("<p>".to_owned()),
        Just("</p>".to_owned()),
        Just("<td>".to_owned()),
        Just("<strong>".to_owned()),
        Just("</strong>".to_owned()),
        Just("<html lang=\"de-AT\">".to_owned()),
        Just("<div>".to_owned()),
        Just("</div>".to_owned()),
        Just("<script>".to_owned()),
        Just("<!--".to_owned()),
    ]
}

/// JSON-LD values: the keys the extractor reads, others, and any scalars.
fn json_ld() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        "\\PC{0,20}".prop_map(Value::String),
        "(mailto:)?[a-z.]{1,8}@[a-z]{1,8}\\.(com|de)".prop_map(Value::String),
        "\\+?[0-9 ()-]{4,20}".prop_map(Value::String),
        "https://(www\\.)?(facebook|instagram|linkedin|x)\\.com/[a-z/]{0,12}"
            .prop_map(Value::String),
    ];
    leaf.prop_recursive(5, 48, 6, |inner| {
        let key = prop_oneof![
            Just("email".to_owned()),
            Just("telephone".to_owned()),
            Just("sameAs".to_owned()),
            Just("addressCountry".to_owned()),
            Just("@graph".to_owned()),
            Just("contactPoint".to_owned()),
            Just("name".to_owned()),
            "\\PC{0,6}",
        ];
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map(key, inner, 0..6)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

fn page() -> impl Strategy<Value = String> {
    prop::collection::vec(piece(), 0..40).prop_map(|p| p.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn pages_of_random_pieces(html in page()) {
        let c = extract(&html);
        check_contacts(&c, html.len())?;
        prop_assert_eq!(extract(&html), c);
    }

    #[test]
    fn arbitrary_unicode_markup(html in "\\PC{0,400}") {
        let c = extract(&html);
        check_contacts(&c, html.len())?;
        prop_assert_eq!(extract(&html), c);
    }

    #[test]
    fn links_with_arbitrary_content(scheme in "(mailto|MailTo|tel|callto|https?|javascript):(//)?", body in "\\PC{0,80}") {
        let href = format!("{scheme}{body}");
        let mut emails = Vec::new();
        email::from_mailto(&href, &mut emails);
        prop_assert!(emails.len() <= email_bound(href.len()));
        check_emails(&emails)?;
        if let Some(p) = phone::from_tel(&href) {
            prop_assert!(p.number.len() <= href.len() * 3);
        }
        let _ = social::profile(&href, &url());
        let mut c = Collector::default();
        c.href(&href, &url());
        prop_assert!(c.emails.len() <= email_bound(href.len()));
        prop_assert!(c.phones.len() <= 1);
        prop_assert!(c.socials.len() <= 1);
    }

    #[test]
    fn text_scans(text in "\\PC{0,200}") {
        let mut emails = Vec::new();
        email::scan_text(&text, &mut emails);
        email::scan_bare(&text, &mut emails);
        prop_assert!(emails.len() <= email_bound(text.len()));
        check_emails(&emails)?;
        let mut phones = Vec::new();
        phone::scan_text(&text, "", &[], &mut phones);
        prop_assert!(phones.len() <= text.len() / 3);
        let again = {
            let mut v = Vec::new();
            email::scan_text(&text, &mut v);
            email::scan_bare(&text, &mut v);
            v
        };
        prop_assert_eq!(again, emails);
    }

    #[test]
    fn cloudflare_hex(hex in "[0-9a-fA-F]{0,200}") {
        if let Some(e) = email::decode_cfemail(&hex) {
            check_emails(std::slice::from_ref(&e))?;
        }
    }

    #[test]
    fn json_ld_values(v in json_ld()) {
        let text = v.to_string();
        let mut found = jsonld::Found::default();
        jsonld::parse(&text, &mut found);
        let strings = found.emails.len() + found.phones.len() + found.links.len();
        // Each string found is a distinct JSON string of the block: at least `""`.
        prop_assert!(strings <= text.len() / 2);
        let mut c = Collector::default();
        c.json_ld(&text, &url());
        prop_assert!(c.emails.len() <= email_bound(text.len()));
        check_emails(&c.emails)?;
    }

    #[test]
    fn json_ld_arbitrary_text(text in "\\PC{0,200}") {
        let mut c = Collector::default();
        c.json_ld(&text, &url());
        prop_assert!(c.emails.len() <= email_bound(text.len()));
        check_emails(&c.emails)?;
    }
}
