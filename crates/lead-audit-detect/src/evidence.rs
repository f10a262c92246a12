//! Which kinds of rule found a technology: the reported [`Evidence`] and a compact set of them.

use serde::{Deserialize, Serialize};

/// One kind of fingerprint rule (or `implied`: only implied by another technology).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Evidence {
    /// A response header.
    Header,
    /// A cookie set by the response.
    Cookie,
    /// A `<meta>` tag.
    Meta,
    /// The `src` of a `<script>`.
    ScriptSrc,
    /// The text of an inline `<script>`.
    Script,
    /// The raw HTML.
    Html,
    /// A CSS selector on the parsed document.
    Dom,
    /// The page URL.
    Url,
    /// A JavaScript global read by a browser.
    Js,
    /// The site's robots.txt.
    Robots,
    /// The issuer of the site's TLS certificate.
    CertIssuer,
    /// The page's visible text.
    Text,
    /// Not found by a rule of its own: implied by another technology.
    Implied,
}

impl Evidence {
    /// Every kind, in their reported order.
    pub const ALL: [Evidence; 13] = [
        Evidence::Header,
        Evidence::Cookie,
        Evidence::Meta,
        Evidence::ScriptSrc,
        Evidence::Script,
        Evidence::Html,
        Evidence::Dom,
        Evidence::Url,
        Evidence::Js,
        Evidence::Robots,
        Evidence::CertIssuer,
        Evidence::Text,
        Evidence::Implied,
    ];

    fn bit(self) -> u16 {
        1 << (self as u16)
    }
}

/// A set of [`Evidence`] kinds, one bit each.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Kinds(u16);

impl Kinds {
    /// Every rule kind (all but `implied`).
    pub fn rules() -> Kinds {
        let mut all = Kinds::default();
        Evidence::ALL
            .iter()
            .filter(|&&k| k != Evidence::Implied)
            .for_each(|&k| all.insert(k));
        all
    }

    pub fn insert(&mut self, kind: Evidence) {
        self.0 |= kind.bit();
    }

    pub fn remove(&mut self, kind: Evidence) {
        self.0 &= !kind.bit();
    }

    pub fn contains(self, kind: Evidence) -> bool {
        self.0 & kind.bit() != 0
    }

    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// The kinds in reported order.
    pub fn to_vec(self) -> Vec<Evidence> {
        Evidence::ALL
            .iter()
            .copied()
            .filter(|&k| self.contains(k))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_camel_case_and_sets_sorted() {
        let names: Vec<String> = Evidence::ALL
            .iter()
            .map(|e| serde_json::to_string(e).unwrap_or_default())
            .collect();
        assert!(names.contains(&"\"scriptSrc\"".to_owned()));
        assert!(names.contains(&"\"certIssuer\"".to_owned()));
        let mut k = Kinds::default();
        k.insert(Evidence::Text);
        k.insert(Evidence::Header);
        k.insert(Evidence::Text);
        assert_eq!(k.to_vec(), [Evidence::Header, Evidence::Text]);
        assert!(!Kinds::rules().contains(Evidence::Implied));
        let mut sorted = Evidence::ALL.to_vec();
        sorted.sort();
        assert_eq!(sorted, Evidence::ALL);
    }
}
