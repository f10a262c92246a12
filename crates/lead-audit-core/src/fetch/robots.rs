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
    /// What the rules say about the site root `/`.
    pub root: RootRule,
    /// The body's first [`BODY_CAP`] bytes, for `robots` fingerprints.
    pub body: Option<String>,
}

/// What robots.txt says about the site root `/`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum RootRule {
    /// Crawlers may fetch `/` (also: no robots.txt, or one that could not be read).
    #[default]
    Allowed,
    /// The group of this user agent (`*`, or ours) disallows `/`.
    Disallowed(&'static str),
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
                root: root_rule(&robot, body),
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

/// The `*` group decides for search engines without a group of their own; ours (`robot`,
/// which falls back to `*`) decides for this crawler.
fn root_rule(robot: &Robot, body: &[u8]) -> RootRule {
    let wildcard_allows = Robot::new("*", body).map_or(true, |r| r.allowed("/"));
    if !wildcard_allows {
        RootRule::Disallowed("*")
    } else if !robot.allowed("/") {
        RootRule::Disallowed(AGENT)
    } else {
        RootRule::Allowed
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
    fn the_root_rule_of_each_group() {
        let root = |txt: &str| Robots::parse(txt.as_bytes()).root;
        assert_eq!(
            root("User-agent: *\nDisallow: /\n"),
            RootRule::Disallowed("*")
        );
        assert_eq!(
            root("user-agent: *\ndisallow: /\n"),
            RootRule::Disallowed("*")
        );
        assert_eq!(
            root("User-agent: Googlebot\nAllow: /\n\nUser-agent: *\nDisallow: /\n"),
            RootRule::Disallowed("*")
        );
        assert_eq!(
            root("User-agent: lead-audit\nDisallow: /\n\nUser-agent: *\nDisallow:\n"),
            RootRule::Disallowed(AGENT)
        );
        // Our own group may allow what `*` forbids: search engines are still kept out.
        assert_eq!(
            root("User-agent: *\nDisallow: /\n\nUser-agent: lead-audit\nAllow: /\n"),
            RootRule::Disallowed("*")
        );
        for allowed in [
            "User-agent: *\nDisallow: /admin\n",
            "User-agent: *\nDisallow:\n",
            "User-agent: *\nDisallow: /\nAllow: /$\n",
            "User-agent: BadBot\nDisallow: /\n",
            "",
            "\u{0}\u{ff}garbage",
        ] {
            assert_eq!(root(allowed), RootRule::Allowed, "{allowed:?}");
        }
        assert_eq!(Robots::default().root, RootRule::Allowed);
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
