//! `AuditResult.contacts` as it crosses into JS: each contact with the page and method it
//! was found by.

use lead_audit_core as core;
use napi_derive::napi;

/// What a contact is.
#[napi(string_enum)]
pub enum ContactKind {
    #[napi(value = "email")]
    Email,
    #[napi(value = "phone")]
    Phone,
    #[napi(value = "fax")]
    Fax,
    #[napi(value = "social")]
    Social,
}

/// How a contact was read off its page.
#[napi(string_enum)]
pub enum ContactMethod {
    /// A `mailto:` link.
    #[napi(value = "mailto")]
    Mailto,
    /// A `tel:` / `callto:` link.
    #[napi(value = "tel")]
    Tel,
    /// Visible text.
    #[napi(value = "text")]
    Text,
    /// A JSON-LD block.
    #[napi(value = "jsonld")]
    Jsonld,
    /// Cloudflare's email protection, decoded.
    #[napi(value = "cfemail")]
    Cfemail,
    /// An address scrambled by a CMS (TYPO3), unscrambled.
    #[napi(value = "obfuscated")]
    Obfuscated,
    /// `<meta name="email" | "reply-to">`.
    #[napi(value = "meta")]
    Meta,
    /// Microdata `itemprop` with `content`.
    #[napi(value = "microdata")]
    Microdata,
    /// A link to a profile (or a `wa.me` chat link).
    #[napi(value = "link")]
    Link,
    /// Read off a page after Chromium ran its scripts.
    #[napi(value = "rendered")]
    Rendered,
}

/// The page a contact was first found on, and how.
#[napi(object, object_from_js = false)]
pub struct ContactSource {
    /// The page URL (after redirects).
    pub url: String,
    pub method: ContactMethod,
}

/// One contact with its provenance; `emails`, `phones`, `faxes` and `socials` hold the same
/// values.
#[napi(object, object_from_js = false, use_nullable = true)]
pub struct Contact {
    pub kind: ContactKind,
    /// The address, E.164 number or profile URL.
    pub value: String,
    /// The network of a social profile (`facebook`, `whatsapp`…), else `null`.
    pub platform: Option<String>,
    /// Where it was first found: pages are visited home page first.
    pub source: ContactSource,
    /// A role account (info@, sales@…) rather than a person's address; false for non-emails.
    pub role: bool,
}

impl From<core::Contact> for Contact {
    fn from(c: core::Contact) -> Self {
        use core::ContactKind as K;
        use core::ContactMethod as M;
        Self {
            kind: match c.kind {
                K::Email => ContactKind::Email,
                K::Phone => ContactKind::Phone,
                K::Fax => ContactKind::Fax,
                K::Social => ContactKind::Social,
            },
            value: c.value,
            platform: c.platform,
            source: ContactSource {
                url: c.source.url,
                method: match c.source.method {
                    M::Mailto => ContactMethod::Mailto,
                    M::Tel => ContactMethod::Tel,
                    M::Text => ContactMethod::Text,
                    M::Jsonld => ContactMethod::Jsonld,
                    M::Cfemail => ContactMethod::Cfemail,
                    M::Obfuscated => ContactMethod::Obfuscated,
                    M::Meta => ContactMethod::Meta,
                    M::Microdata => ContactMethod::Microdata,
                    M::Link => ContactMethod::Link,
                    M::Rendered => ContactMethod::Rendered,
                },
            },
            role: c.role,
        }
    }
}
