//! The agency's branding for the report footer, read from a TOML or JSON file: a name, a logo
//! (inlined as a data URI, so the report loads nothing) and contact lines.

use std::path::{Path, PathBuf};

use base64::Engine;
use serde::{Deserialize, Serialize};

use crate::ReportError;

/// Largest logo inlined into a report.
pub const MAX_LOGO_BYTES: usize = 512 * 1024;

/// The agency that sends the report.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Brand {
    /// The agency's name.
    pub name: String,
    /// The logo: a file path (relative to the brand file) or a `data:image/…` URI. Read by
    /// [`Brand::load`] and kept as a data URI.
    #[serde(default)]
    pub logo: Option<String>,
    /// A line under the name, e.g. "Websites for craft businesses".
    #[serde(default)]
    pub tagline: Option<String>,
    /// Contact email.
    #[serde(default)]
    pub email: Option<String>,
    /// Contact phone.
    #[serde(default)]
    pub phone: Option<String>,
    /// The agency's website.
    #[serde(default)]
    pub website: Option<String>,
}

impl Brand {
    /// Reads a brand file: `.toml`, or `.json`. A logo path is read and inlined.
    pub fn load(path: &Path) -> Result<Self, ReportError> {
        let bad = |message: String| ReportError::Brand {
            path: path.display().to_string(),
            message,
        };
        let text = std::fs::read_to_string(path).map_err(|e| bad(e.to_string()))?;
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase);
        let brand: Brand = match ext.as_deref() {
            Some("toml") => toml::from_str(&text).map_err(|e| bad(e.to_string()))?,
            Some("json") => serde_json::from_str(&text).map_err(|e| bad(e.to_string()))?,
            _ => return Err(bad("a brand file must be .toml or .json".into())),
        };
        let base = path.parent().map(Path::to_path_buf).unwrap_or_default();
        brand.checked(&base).map_err(|e| match e {
            ReportError::Brand { message, .. } => bad(message),
            other => other,
        })
    }

    /// The brand made ready for a report: the name checked and the logo inlined (a path read
    /// relative to `base`, a data URI decoded and encoded again under the type its bytes
    /// show). For a brand built in code or deserialized from a caller's options.
    pub fn checked(mut self, base: &Path) -> Result<Self, ReportError> {
        let bad = |message: String| ReportError::Brand {
            path: base.display().to_string(),
            message,
        };
        if self.name.trim().is_empty() {
            return Err(bad("`name` must not be empty".into()));
        }
        if let Some(logo) = self.logo.take().filter(|l| !l.trim().is_empty()) {
            self.logo = Some(logo_data_uri(&logo, base).map_err(bad)?);
        }
        Ok(self)
    }
}

/// A logo as a data URI: a `data:image/…;base64,` URI as given, or a PNG, JPEG, GIF, WebP or
/// SVG file read and encoded.
fn logo_data_uri(logo: &str, base: &Path) -> Result<String, String> {
    let logo = logo.trim();
    if let Some(rest) = logo.strip_prefix("data:") {
        let (mime, data) = rest
            .split_once(";base64,")
            .ok_or("a logo data URI must be base64 (`data:image/png;base64,…`)")?;
        if !mime.starts_with("image/") {
            return Err(format!("a logo data URI must be an image, not {mime}"));
        }
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(data.trim())
            .map_err(|e| format!("the logo data URI is not valid base64: {e}"))?;
        // Encoded again under the type its bytes show, whatever the URI claimed.
        return image_uri(&bytes, "the logo data URI");
    }
    let path: PathBuf = base.join(logo);
    let bytes = std::fs::read(&path).map_err(|e| format!("logo {}: {e}", path.display()))?;
    image_uri(&bytes, &format!("logo {}", path.display()))
}

/// The data URI of an image of at most [`MAX_LOGO_BYTES`].
fn image_uri(bytes: &[u8], what: &str) -> Result<String, String> {
    if bytes.len() > MAX_LOGO_BYTES {
        return Err(format!(
            "{what} is larger than {} KiB",
            MAX_LOGO_BYTES / 1024
        ));
    }
    let mime = sniff_image(bytes)
        .ok_or_else(|| format!("{what} is not a PNG, JPEG, GIF, WebP or SVG image"))?;
    Ok(data_uri(mime, bytes))
}

/// `data:<mime>;base64,<bytes>`.
pub(crate) fn data_uri(mime: &str, bytes: &[u8]) -> String {
    format!(
        "data:{mime};base64,{}",
        base64::engine::general_purpose::STANDARD.encode(bytes)
    )
}

/// The image type of `bytes` by its signature.
pub(crate) fn sniff_image(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("image/png")
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("image/jpeg")
    } else if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
        Some("image/gif")
    } else if bytes.len() > 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        Some("image/webp")
    } else {
        let head = String::from_utf8_lossy(&bytes[..bytes.len().min(512)]).to_ascii_lowercase();
        head.contains("<svg").then_some("image/svg+xml")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";

    #[test]
    fn toml_and_json_brands_load_with_the_logo_inlined() {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(dir.path().join("logo.png"), PNG).expect("logo");
        let toml = dir.path().join("brand.toml");
        std::fs::write(
            &toml,
            "name = \"Nordlicht Web\"\nlogo = \"logo.png\"\nemail = \"hallo@nordlicht.example\"\n",
        )
        .expect("write");
        let b = Brand::load(&toml).expect("toml brand");
        assert_eq!(b.name, "Nordlicht Web");
        assert!(b
            .logo
            .as_deref()
            .is_some_and(|l| l.starts_with("data:image/png;base64,")));
        let json = dir.path().join("brand.json");
        std::fs::write(&json, r#"{"name": "Acme Studio", "phone": "+1 555 0100"}"#).expect("write");
        let b = Brand::load(&json).expect("json brand");
        assert_eq!(b.phone.as_deref(), Some("+1 555 0100"));
        assert_eq!(b.logo, None);
    }

    #[test]
    fn a_brand_from_code_is_checked_and_its_data_uri_retyped() {
        use base64::Engine;
        let data = base64::engine::general_purpose::STANDARD.encode(PNG);
        let brand = Brand {
            name: "Acme".into(),
            logo: Some(format!("data:image/svg+xml;base64,{data}")),
            ..Brand::default()
        };
        let checked = brand.checked(Path::new(".")).expect("checked");
        assert_eq!(checked.logo, Some(format!("data:image/png;base64,{data}")));
        let nameless = Brand::default().checked(Path::new("."));
        assert!(nameless.is_err_and(|e| e.kind() == "brand"));
    }

    #[test]
    fn bad_brand_files_say_what_is_wrong() {
        let dir = tempfile::tempdir().expect("tempdir");
        let write = |name: &str, text: &str| {
            let p = dir.path().join(name);
            std::fs::write(&p, text).expect("write");
            p
        };
        let cases = [
            (write("a.toml", "name = \"\""), "must not be empty"),
            (
                write("b.toml", "name = \"x\"\nlogo = \"missing.png\""),
                "missing.png",
            ),
            (
                write("c.json", r#"{"name": "x", "colour": "red"}"#),
                "unknown field",
            ),
            (write("d.yaml", "name: x"), ".toml or .json"),
            (
                write(
                    "e.json",
                    r#"{"name": "x", "logo": "data:text/html;base64,PGI+"}"#,
                ),
                "must be an image",
            ),
            (
                write("f.txt.toml", "name = \"x\"\nlogo = \"f.txt.toml\""),
                "not a PNG",
            ),
        ];
        for (path, want) in cases {
            let err = Brand::load(&path).expect_err("refused").to_string();
            assert!(err.contains(want), "{}: {err}", path.display());
        }
    }
}
