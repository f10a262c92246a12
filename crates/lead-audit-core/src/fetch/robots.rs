//! robots.txt for crawled pages: 404 (or any failure) means everything is allowed.

use texting_robots::Robot;
use tokio::time::Instant;
use url::Url;

use super::Fetcher;

/// The robots.txt of one site.
#[derive(Debug, Default)]
pub struct Robots {
    rules: Option<Robot>,
    /// robots.txt answered 200 with a body.
    pub exists: bool,
    /// `Sitemap:` lines.
    pub sitemaps: Vec<String>,
    /// The body's first [`BODY_CAP`] bytes, for `robots` fingerprints.
    pub body: Option<String>,
}

/// Bytes of the body kept: fingerprints look at the top of the file.
pub const BODY_CAP: usize = 64 * 1024;

/// The agent token our rules are looked up under (`User-agent: lead-audit`, else `*`).
pub const AGENT: &str = "lead-audit";

impl Robots {
    /// Fetches `/robots.txt` of `site`.
    pub async fn fetch(fetcher: &Fetcher, site: &Url, deadline: Instant) -> Self {
        let Ok(url) = site.join("/robots.txt") else {
            return Self::default();
        };
        match fetcher.get(&url, deadline).await {
            Ok(page) if page.status == 200 && !page.is_html() => Self::parse(&page.body),
            _ => Self::default(),
        }
    }

    /// Parses a robots.txt body.
    pub fn parse(body: &[u8]) -> Self {
        let kept = Some(capped_text(body));
        match Robot::new(AGENT, body) {
            Ok(robot) => Self {
                exists: true,
                sitemaps: robot.sitemaps.clone(),
                rules: Some(robot),
                body: kept,
            },
            Err(_) => Self {
                exists: true,
                body: kept,
                ..Self::default()
            },
        }
    }

    /// May `url` be crawled?
    pub fn allowed(&self, url: &Url) -> bool {
        self.rules.as_ref().is_none_or(|r| r.allowed(url.as_str()))
    }
}

/// The first [`BODY_CAP`] bytes as text, a character cut in half dropped.
fn capped_text(body: &[u8]) -> String {
    let mut text = String::from_utf8_lossy(&body[..body.len().min(BODY_CAP)]).into_owned();
    let end = (0..=text.len().min(BODY_CAP))
        .rev()
        .find(|&i| text.is_char_boundary(i))
        .unwrap_or(0);
    text.truncate(end);
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn our_group_and_the_wildcard_group() {
        let r = Robots::parse(b"User-agent: *\nDisallow: /private\n\nUser-agent: lead-audit\nDisallow: /contact\nSitemap: https://a.com/s.xml\n");
        let u = |p: &str| Url::parse(&format!("https://a.com{p}")).unwrap();
        assert!(!r.allowed(&u("/contact")));
        assert!(r.allowed(&u("/about")));
        assert_eq!(r.sitemaps, vec!["https://a.com/s.xml"]);
        let star = Robots::parse(b"User-agent: *\nDisallow: /kontakt\n");
        assert!(!star.allowed(&u("/kontakt")));
        assert!(Robots::default().allowed(&u("/anything")));
    }

    #[test]
    fn the_body_is_kept_within_the_cap() {
        let r = Robots::parse(b"User-agent: *\nDisallow: /wp-admin/\n");
        assert_eq!(
            r.body.as_deref(),
            Some("User-agent: *\nDisallow: /wp-admin/\n")
        );
        // A character cut in half at the cap, and megabytes past it.
        let mut huge = "Disallow: /x/\n".repeat(1 << 20).into_bytes();
        huge.truncate(BODY_CAP - 1);
        huge.extend_from_slice("é".repeat(1 << 20).as_bytes());
        let r = Robots::parse(&huge);
        let body = r.body.unwrap_or_default();
        assert!(
            body.len() <= BODY_CAP && body.len() >= BODY_CAP - 4,
            "{}",
            body.len()
        );
        assert!(body.starts_with("Disallow: /x/"));
        assert!(Robots::default().body.is_none());
    }
}
