//! Where each contact of a lead was found: the `contacts` array beside `emails`, `phones`,
//! `faxes` and `socials`.

use serde::{Deserialize, Serialize};

/// What a contact is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ContactKind {
    /// An email address (the value is lowercased).
    Email,
    /// A phone number in E.164.
    Phone,
    /// A fax number in E.164.
    Fax,
    /// A social or business profile URL; `platform` names the network.
    Social,
}

/// How a contact was read off its page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ContactMethod {
    /// A `mailto:` link (`<a>`, `<area>` or `<link>`).
    Mailto,
    /// A `tel:` or `callto:` link.
    Tel,
    /// Visible text.
    Text,
    /// A JSON-LD block (`email`, `telephone`, `faxNumber`, `contactPoint`, `sameAs`).
    Jsonld,
    /// Cloudflare's email protection, decoded.
    Cfemail,
    /// An address scrambled by a CMS (TYPO3's `linkTo_UnCryptMailto`), unscrambled.
    Obfuscated,
    /// `<meta name="email" | "reply-to">`.
    Meta,
    /// Microdata: `itemprop="email" | "telephone" | "faxNumber"` with `content`.
    Microdata,
    /// A link to a profile (`<a href="https://www.facebook.com/…">`, `wa.me/…`).
    Link,
    /// Read off a page after Chromium ran its scripts (a client-rendered page).
    Rendered,
}

/// The page a contact was first found on, and how.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactSource {
    /// The page URL (after redirects).
    pub url: String,
    /// How it was read.
    pub method: ContactMethod,
}

/// One contact with its provenance. The lead's `emails`, `phones`, `faxes` and `socials`
/// hold the same values; `contacts` lists them in that order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contact {
    /// Email, phone, fax or social.
    pub kind: ContactKind,
    /// The address, E.164 number or profile URL.
    pub value: String,
    /// The network of a social profile (`facebook`, `whatsapp`, `google_business`…).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub platform: Option<String>,
    /// Where it was first found: pages are visited home page first.
    pub source: ContactSource,
    /// A role account (info@, sales@, office@, kontakt@…) rather than a person's address;
    /// false for everything but emails.
    pub role: bool,
}
