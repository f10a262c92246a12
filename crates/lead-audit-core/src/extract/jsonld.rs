//! JSON-LD (`<script type="application/ld+json">`): `email`, `telephone`, `contactPoint`,
//! `address.addressCountry` and `sameAs`, at any depth (`@graph`, nested organisations).

use serde_json::Value;

/// What one JSON-LD block says about contacts.
#[derive(Debug, Default)]
pub(crate) struct Found {
    /// `email` values as written (may carry `mailto:`).
    pub emails: Vec<String>,
    /// `telephone` values as written.
    pub phones: Vec<String>,
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
                match k.as_str() {
                    "email" => strings(val, &mut found.emails),
                    "telephone" => strings(val, &mut found.phones),
                    "sameAs" => strings(val, &mut found.links),
                    "addressCountry" if found.country.is_none() => {
                        found.country = match val {
                            Value::String(s) => Some(s.clone()),
                            Value::Object(o) => o
                                .get("name")
                                .or_else(|| o.get("identifier"))
                                .and_then(Value::as_str)
                                .map(str::to_owned),
                            _ => None,
                        };
                    }
                    _ => {}
                }
            }
            for (k, val) in map {
                if !matches!(
                    k.as_str(),
                    "email" | "telephone" | "sameAs" | "addressCountry"
                ) {
                    walk(val, found, depth + 1);
                }
            }
        }
        _ => {}
    }
}

fn strings(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::String(s) => out.push(s.clone()),
        Value::Array(a) => a.iter().for_each(|x| strings(x, out)),
        _ => {}
    }
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
