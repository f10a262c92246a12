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
}

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
        match Robot::new(AGENT, body) {
            Ok(robot) => Self {
                exists: true,
                sitemaps: robot.sitemaps.clone(),
                rules: Some(robot),
            },
            Err(_) => Self {
                exists: true,
                ..Self::default()
            },
        }
    }

    /// May `url` be crawled?
    pub fn allowed(&self, url: &Url) -> bool {
        self.rules.as_ref().is_none_or(|r| r.allowed(url.as_str()))
    }
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
}
