//! JSON-LD (`<script type="application/ld+json">`): `email`, `telephone`, `faxNumber`,
//! `contactPoint`, `address.addressCountry` and `sameAs`, at any depth (`@graph`, nested
//! organisations, arrays of contact points), with keys compact (`email`), prefixed
//! (`schema:email`) or expanded (`http://schema.org/email`), values as strings, numbers or
//! `{"@value": …}` / `{"@id": …}` objects.

use serde_json::Value;

/// What one JSON-LD block says about contacts.
#[derive(Debug, Default)]
pub(crate) struct Found {
    /// `email` values as written (may carry `mailto:`).
    pub emails: Vec<String>,
    /// `telephone` values as written.
    pub phones: Vec<String>,
    /// `faxNumber` values as written.
    pub faxes: Vec<String>,
    /// The first `addressCountry`.
    pub country: Option<String>,
    /// `sameAs` and `url` values that may be social profiles.
    pub links: Vec<String>,
}

/// Parses one JSON-LD block; broken JSON yields nothing.
pub(crate) fn parse(text: &str, found: &mut Found) {
    let t = text.trim();
    // Some CMSs wrap the block in an HTML comment or CDATA section.
    let t = t
        .trim_start_matches("<!--")
        .trim_end_matches("-->")
        .trim_start_matches("//<![CDATA[")
        .trim_end_matches("//]]>")
        .trim();
    if let Ok(v) = serde_json::from_str::<Value>(t) {
        walk(&v, found, 0);
    }
}

fn walk(v: &Value, found: &mut Found, depth: usize) {
    // Real documents are shallow; a bound keeps hostile input cheap.
    if depth > 16 {
        return;
    }
    match v {
        Value::Array(items) => items.iter().for_each(|i| walk(i, found, depth + 1)),
        Value::Object(map) => {
            // An object's own fields before its nested ones: the organisation's address
            // ranks above its contact points'.
            for (k, val) in map {
                match term(k) {
                    "email" => strings(val, &mut found.emails),
                    "telephone" => strings(val, &mut found.phones),
                    "faxNumber" => strings(val, &mut found.faxes),
                    "sameAs" => strings(val, &mut found.links),
                    "addressCountry" if found.country.is_none() => {
                        let mut names = Vec::new();
                        strings(val, &mut names);
                        found.country = names.into_iter().next();
                    }
                    _ => {}
                }
            }
            for (k, val) in map {
                if !matches!(
                    term(k),
                    "email" | "telephone" | "faxNumber" | "sameAs" | "addressCountry"
                ) {
                    walk(val, found, depth + 1);
                }
            }
        }
        _ => {}
    }
}

/// The schema.org term of a key: `schema:email` and `https://schema.org/email` are `email`.
fn term(key: &str) -> &str {
    ["http://schema.org/", "https://schema.org/", "schema:"]
        .iter()
        .find_map(|p| key.strip_prefix(p))
        .unwrap_or(key)
}

/// The text values of `v`: a string, a number (`"telephone": 4930123456`), an expanded
/// value or reference object, or an array of those. Nested deeper than that is not a value.
fn strings(v: &Value, out: &mut Vec<String>) {
    fn value(v: &Value, out: &mut Vec<String>, nested: bool) {
        match v {
            Value::String(s) => out.push(s.clone()),
            Value::Number(n) => out.push(n.to_string()),
            Value::Array(a) if !nested => a.iter().for_each(|x| value(x, out, true)),
            Value::Object(o) => {
                let inner = ["@value", "@id", "name", "identifier", "url"]
                    .iter()
                    .find_map(|k| o.get(*k));
                if let Some(s) = inner.and_then(Value::as_str) {
                    out.push(s.to_owned());
                }
            }
            _ => {}
        }
    }
    value(v, out, false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_business_with_graph_and_contact_points() {
        let mut f = Found::default();
        parse(
            r#"{"@context":"https://schema.org","@graph":[
                {"@type":"WebSite","url":"https://miller.com"},
                {"@type":"Plumber","name":"Miller","email":"mailto:office@miller.com",
                 "telephone":"+1-415-555-0132",
                 "address":{"@type":"PostalAddress","addressCountry":{"@type":"Country","name":"US"}},
                 "contactPoint":[{"@type":"ContactPoint","email":"sales@miller.com","telephone":"(415) 555-0199"}],
                 "sameAs":["https://www.facebook.com/millerplumbing","https://instagram.com/millerplumbing"]}
            ]}"#,
            &mut f,
        );
        assert_eq!(f.emails, ["mailto:office@miller.com", "sales@miller.com"]);
        assert_eq!(f.phones, ["+1-415-555-0132", "(415) 555-0199"]);
        assert_eq!(f.country.as_deref(), Some("US"));
        assert_eq!(f.links.len(), 2);
    }

    #[test]
    fn contact_point_arrays_faxes_numbers_and_expanded_keys() {
        let mut f = Found::default();
        parse(
            r#"{"@context":"https://schema.org","@type":"LocalBusiness",
                "contactPoint":[
                  {"@type":"ContactPoint","contactType":"sales","telephone":4930123456,
                   "faxNumber":"+49 30 1234569","email":["vertrieb@beispiel.de"]},
                  [{"@type":"ContactPoint","email":{"@value":"service@beispiel.de"}}]
                ],
                "sameAs":[{"@id":"https://www.xing.com/pages/beispiel"},"https://github.com/beispiel"],
                "address":{"addressCountry":[{"@type":"Country","name":"DE"}]}}"#,
            &mut f,
        );
        parse(
            r#"{"@type":"http://schema.org/Organization",
                "http://schema.org/telephone":[{"@value":"+44 20 7946 0958"}],
                "schema:email":"hello@example.co.uk"}"#,
            &mut f,
        );
        assert_eq!(
            f.emails,
            [
                "vertrieb@beispiel.de",
                "service@beispiel.de",
                "hello@example.co.uk"
            ]
        );
        assert_eq!(f.phones, ["4930123456", "+44 20 7946 0958"]);
        assert_eq!(f.faxes, ["+49 30 1234569"]);
        assert_eq!(f.country.as_deref(), Some("DE"));
        assert_eq!(
            f.links,
            [
                "https://www.xing.com/pages/beispiel",
                "https://github.com/beispiel"
            ]
        );
    }

    #[test]
    fn hostile_blocks_stay_cheap() {
        let mut f = Found::default();
        let deep = format!("{}{}", "[".repeat(5000), "]".repeat(5000));
        parse(&deep, &mut f);
        let nested_values =
            r#"{"email":[[[["deep@x.de"]]]],"telephone":{"a":{"b":"+1 415 555 0132"}}}"#;
        parse(nested_values, &mut f);
        parse(r#"{"email":null,"telephone":true,"sameAs":{}}"#, &mut f);
        assert!(f.emails.is_empty() && f.phones.is_empty() && f.links.is_empty());
    }

    #[test]
    fn top_level_array_comment_wrapper_and_broken_json() {
        let mut f = Found::default();
        parse(
            r#"<!-- [{"@type":"Organization","email":"a@b.de","address":{"addressCountry":"DE"}}] -->"#,
            &mut f,
        );
        parse(
            r#"{"@type": "Organization", "email": "broken@x.de",}"#,
            &mut f,
        );
        assert_eq!(f.emails, ["a@b.de"]);
        assert_eq!(f.country.as_deref(), Some("DE"));
    }
}
