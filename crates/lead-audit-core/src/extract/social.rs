//! Social profiles: links to a business's own page on a platform, never share buttons,
//! intents, embeds, posts or the platform's home page.

use std::sync::LazyLock;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder};
use serde::Deserialize;
use url::Url;

#[derive(Deserialize)]
struct SocialData {
    platforms: Vec<Platform>,
    tracking_params: Vec<String>,
}

#[derive(Deserialize)]
struct Platform {
    key: String,
    hosts: Vec<String>,
    canonical_host: String,
    shape: Shape,
    #[serde(default)]
    prefixes: Vec<String>,
    #[serde(default)]
    keep_query: Vec<String>,
    reserved: Vec<String>,
}

/// How a profile path looks on a platform.
#[derive(Deserialize, Clone, Copy)]
#[serde(rename_all = "snake_case")]
enum Shape {
    /// `/name` (extra segments are posts or tabs of that profile).
    FirstSegment,
    /// `/company/name`, `/in/name`, `/biz/name`.
    Prefixed,
    /// `/@name` only.
    AtHandle,
    /// `/@name`, `/channel/id`, `/c/name`, `/user/name`.
    Youtube,
}

#[allow(clippy::expect_used)] // embedded data, checked by tests
static DATA: LazyLock<SocialData> = LazyLock::new(|| {
    serde_json::from_str(include_str!("../../data/extract_socials.json"))
        .expect("data/extract_socials.json is valid")
});

/// Every platform host, to skip URL parsing for links that name none.
#[allow(clippy::expect_used)] // built from the embedded data
static HOSTS: LazyLock<AhoCorasick> = LazyLock::new(|| {
    AhoCorasickBuilder::new()
        .ascii_case_insensitive(true)
        .build(DATA.platforms.iter().flat_map(|p| p.hosts.iter()))
        .expect("host patterns build")
});

/// `(platform key, normalised profile URL)` when `href` is a profile link.
pub(crate) fn profile(href: &str, base: &Url) -> Option<(&'static str, String)> {
    let href = href.trim();
    // Cheap reject before URL parsing: nearly every link on a page is internal.
    if !HOSTS.is_match(href) {
        return None;
    }
    let url = base.join(href).ok()?;
    if !matches!(url.scheme(), "http" | "https") {
        return None;
    }
    let host = url.host_str()?.to_ascii_lowercase();
    let data: &'static SocialData = &DATA;
    let platform = data.platforms.iter().find(|p| {
        p.hosts
            .iter()
            .any(|h| host == *h || host.ends_with(&format!(".{h}")))
    })?;
    let segments: Vec<&str> = url
        .path_segments()
        .map(|s| s.filter(|s| !s.is_empty()).collect())
        .unwrap_or_default();
    let first = *segments.first()?;
    if platform
        .reserved
        .iter()
        .any(|r| r.eq_ignore_ascii_case(first))
    {
        return None;
    }
    let path = match platform.shape {
        Shape::FirstSegment => {
            if first.eq_ignore_ascii_case("pages") || first.eq_ignore_ascii_case("people") {
                // Facebook's `/pages/Name/123` form: the id identifies the page.
                segments.get(..3)?.join("/")
            } else if first.eq_ignore_ascii_case("pg") {
                // Facebook's old `/pg/Name/about` page tabs.
                (*segments.get(1)?).to_owned()
            } else {
                first.to_owned()
            }
        }
        Shape::Prefixed => {
            let prefix = first.to_ascii_lowercase();
            if !platform.prefixes.contains(&prefix) {
                return None;
            }
            format!("{prefix}/{}", segments.get(1)?)
        }
        Shape::AtHandle => {
            if first.len() < 2 || !first.starts_with('@') {
                return None;
            }
            first.to_owned()
        }
        Shape::Youtube => {
            let prefix = first.to_ascii_lowercase();
            if first.starts_with('@') && first.len() > 1 {
                first.to_owned()
            } else if platform.prefixes.contains(&prefix) {
                format!("{prefix}/{}", segments.get(1)?)
            } else {
                return None;
            }
        }
    };
    let mut out = format!("https://{}/{}", platform.canonical_host, path);
    let kept: Vec<(String, String)> = url
        .query_pairs()
        .filter(|(k, _)| platform.keep_query.iter().any(|q| q == k))
        .filter(|(k, _)| !data.tracking_params.iter().any(|t| t == k))
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    if first == "profile.php" {
        let (_, id) = kept.iter().find(|(k, _)| k == "id")?;
        out.push_str("?id=");
        out.push_str(id);
    }
    Some((platform.key.as_str(), out))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(href: &str) -> Option<(&'static str, String)> {
        profile(href, &Url::parse("https://miller.com/contact").unwrap())
    }

    #[test]
    fn profiles_are_normalised() {
        let cases = [
            (
                "http://facebook.com/MillerPlumbing/?ref=page_internal",
                "facebook",
                "https://www.facebook.com/MillerPlumbing",
            ),
            (
                "https://m.facebook.com/pg/MillerPlumbing/about/",
                "facebook",
                "https://www.facebook.com/MillerPlumbing",
            ),
            (
                "https://www.facebook.com/profile.php?id=100063&sk=about",
                "facebook",
                "https://www.facebook.com/profile.php?id=100063",
            ),
            (
                "https://de-de.facebook.com/pages/Baeckerei-Huber/123456",
                "facebook",
                "https://www.facebook.com/pages/Baeckerei-Huber/123456",
            ),
            (
                "https://instagram.com/miller.plumbing?igshid=abc",
                "instagram",
                "https://www.instagram.com/miller.plumbing",
            ),
            (
                "https://de.linkedin.com/company/miller-plumbing/about/",
                "linkedin",
                "https://www.linkedin.com/company/miller-plumbing",
            ),
            (
                "https://www.linkedin.com/in/jane-miller-123",
                "linkedin",
                "https://www.linkedin.com/in/jane-miller-123",
            ),
            (
                "https://twitter.com/millerplumb?ref_src=twsrc%5Etfw",
                "x",
                "https://x.com/millerplumb",
            ),
            (
                "https://x.com/millerplumb/status/123",
                "x",
                "https://x.com/millerplumb",
            ),
            (
                "https://www.youtube.com/@MillerPlumbing",
                "youtube",
                "https://www.youtube.com/@MillerPlumbing",
            ),
            (
                "https://youtube.com/channel/UC123abc/videos",
                "youtube",
                "https://www.youtube.com/channel/UC123abc",
            ),
            (
                "https://www.youtube.com/user/millerplumb",
                "youtube",
                "https://www.youtube.com/user/millerplumb",
            ),
            (
                "https://www.tiktok.com/@millerplumbing?lang=en",
                "tiktok",
                "https://www.tiktok.com/@millerplumbing",
            ),
            (
                "https://www.pinterest.de/baeckereihuber/",
                "pinterest",
                "https://www.pinterest.com/baeckereihuber",
            ),
            (
                "https://www.xing.com/pages/baeckerei-huber-gmbh",
                "xing",
                "https://www.xing.com/pages/baeckerei-huber-gmbh",
            ),
            (
                "https://www.yelp.com/biz/miller-plumbing-san-francisco",
                "yelp",
                "https://www.yelp.com/biz/miller-plumbing-san-francisco",
            ),
            (
                "https://www.threads.net/@millerplumbing",
                "threads",
                "https://www.threads.net/@millerplumbing",
            ),
        ];
        for (href, key, want) in cases {
            assert_eq!(p(href), Some((key, want.to_owned())), "{href}");
        }
    }

    #[test]
    fn share_links_and_home_pages_are_not_profiles() {
        for href in [
            "https://www.facebook.com/sharer/sharer.php?u=https%3A%2F%2Fmiller.com",
            "https://www.facebook.com/sharer.php?u=x",
            "https://www.facebook.com/dialog/share?app_id=1",
            "https://www.facebook.com/plugins/page.php?href=x",
            "https://www.facebook.com/tr?id=123&ev=PageView",
            "https://www.facebook.com/",
            "https://www.facebook.com/hashtag/plumbing",
            "https://twitter.com/intent/tweet?text=hi",
            "https://twitter.com/share?url=x",
            "https://x.com/home",
            "https://twitter.com/search?q=miller",
            "https://www.linkedin.com/shareArticle?mini=true&url=x",
            "https://www.linkedin.com/sharing/share-offsite/?url=x",
            "https://www.linkedin.com/feed/",
            "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
            "https://www.youtube.com/embed/dQw4w9WgXcQ",
            "https://youtu.be/dQw4w9WgXcQ",
            "https://www.youtube.com/",
            "https://www.instagram.com/p/Cxyz123/",
            "https://www.instagram.com/explore/tags/plumbing/",
            "https://www.tiktok.com/embed/v2/123",
            "https://www.tiktok.com/",
            "https://www.pinterest.com/pin/create/button/?url=x",
            "https://www.pinterest.com/pin/123/",
            "https://www.yelp.com/search?find_desc=plumber",
            "/contact",
            "mailto:a@b.com",
            "https://notfacebook.com/miller",
        ] {
            assert_eq!(p(href), None, "{href}");
        }
    }
}
