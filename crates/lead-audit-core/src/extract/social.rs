//! Social profiles and other channels: links to a business's own page on a platform, never
//! share buttons, intents, embeds, posts or the platform's home page. Platforms are data
//! (`data/extract_socials.json`); three channels are recognised by code: WhatsApp chats
//! (`wa.me/<number>`, which also give a phone), the Google Business Profile (`g.page`,
//! `maps.app.goo.gl`, Maps links by `cid` or place) and Mastodon, on any instance, by the
//! shape of its profile URLs (`https://<instance>/@<name>`).

use std::sync::LazyLock;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder};
use serde::Deserialize;
use url::Url;

#[derive(Deserialize)]
struct SocialData {
    platforms: Vec<Platform>,
    tracking_params: Vec<String>,
    /// Hosts whose `/@name` pages are not Mastodon profiles.
    not_mastodon_hosts: Vec<String>,
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
    /// `/invite/code`, kept as `/code` (Discord's invites on discord.com).
    Invite,
    /// `/Restaurant_Review-…-Name.html` and the other `*_Review-` pages (Tripadvisor).
    Review,
}

#[allow(clippy::expect_used)] // embedded data, checked by tests
static DATA: LazyLock<SocialData> = LazyLock::new(|| {
    serde_json::from_str(include_str!("../../data/extract_socials.json"))
        .expect("data/extract_socials.json is valid")
});

/// What the channels recognised by code have in their URLs, beside the platforms' hosts.
const CODE_HINTS: &[&str] = &["wa.me", "whatsapp.com", "g.page", "goo.gl", "google.", "/@"];

/// Every platform host and code hint, to skip URL parsing for links that name none.
#[allow(clippy::expect_used)] // built from the embedded data
static HOSTS: LazyLock<AhoCorasick> = LazyLock::new(|| {
    let hosts = DATA.platforms.iter().flat_map(|p| p.hosts.iter());
    AhoCorasickBuilder::new()
        .ascii_case_insensitive(true)
        .build(hosts.map(String::as_str).chain(CODE_HINTS.iter().copied()))
        .expect("host patterns build")
});

/// True when `host` is `domain` or one of its subdomains.
fn on(host: &str, domain: &str) -> bool {
    host == domain
        || host
            .strip_suffix(domain)
            .is_some_and(|rest| rest.ends_with('.'))
}

/// A WhatsApp chat link: `https://wa.me/<number>`, from `wa.me/<number>` or
/// `api.whatsapp.com/send?phone=<number>`. Share links (text only, no number) are not.
fn whatsapp(url: &Url, host: &str, segments: &[&str]) -> Option<String> {
    let number = if host == "wa.me" {
        (*segments.first()?).to_owned()
    } else if on(host, "whatsapp.com") && segments == ["send"] {
        url.query_pairs()
            .find(|(k, _)| k == "phone")?
            .1
            .into_owned()
    } else {
        return None;
    };
    let digits: String = number.chars().filter(char::is_ascii_digit).collect();
    let plausible = (7..=15).contains(&digits.len())
        && number
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '+' | ' ' | '-'));
    plausible.then(|| format!("https://wa.me/{digits}"))
}

/// A Google Business Profile: short links (`g.page/<name>`, `maps.app.goo.gl/<code>`,
/// `goo.gl/maps/<code>`) and Maps links to one business (`?cid=<n>`, `/maps/place/…`).
fn google_business(url: &Url, host: &str, segments: &[&str]) -> Option<String> {
    let first = segments.first().copied();
    if host == "g.page" || host == "maps.app.goo.gl" {
        return Some(format!("https://{host}/{}", first?));
    }
    if host == "goo.gl" && first == Some("maps") {
        return Some(format!("https://goo.gl/maps/{}", segments.get(1)?));
    }
    let google = host
        .trim_start_matches("www.")
        .trim_start_matches("maps.")
        .split('.')
        .next()
        == Some("google");
    if !google {
        return None;
    }
    let maps = host.starts_with("maps.") || first == Some("maps");
    if !maps {
        return None;
    }
    if let Some((_, cid)) = url.query_pairs().find(|(k, _)| k == "cid") {
        return cid
            .chars()
            .all(|c| c.is_ascii_digit())
            .then(|| format!("https://maps.google.com/?cid={cid}"));
    }
    // `/maps/place/<name>/@lat,lng…`: the place's own page.
    (segments.get(1) == Some(&"place") && segments.len() > 2).then(|| {
        let mut u = url.clone();
        u.set_query(None);
        u.set_fragment(None);
        u.to_string()
    })
}

/// A Mastodon profile on any instance: exactly `/@name` on a host that is no other platform
/// and not the linking site itself.
fn mastodon(host: &str, base: &Url, segments: &[&str]) -> Option<String> {
    if base
        .host_str()
        .is_some_and(|b| b.eq_ignore_ascii_case(host))
    {
        return None;
    }
    let [first] = segments else { return None };
    let name = first.strip_prefix('@')?;
    let valid = !name.is_empty()
        && name.len() <= 64
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    let other = DATA.not_mastodon_hosts.iter().any(|h| on(host, h));
    (valid && host.contains('.') && !other).then(|| format!("https://{host}/@{name}"))
}

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
    let segments: Vec<&str> = url
        .path_segments()
        .map(|s| s.filter(|s| !s.is_empty()).collect())
        .unwrap_or_default();
    if let Some(chat) = whatsapp(&url, &host, &segments) {
        return Some(("whatsapp", chat));
    }
    if let Some(profile) = google_business(&url, &host, &segments) {
        return Some(("google_business", profile));
    }
    let Some(platform) = data
        .platforms
        .iter()
        .find(|p| p.hosts.iter().any(|h| on(&host, h)))
    else {
        return mastodon(&host, base, &segments).map(|m| ("mastodon", m));
    };
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
        Shape::Invite => {
            if !first.eq_ignore_ascii_case("invite") {
                return None;
            }
            (*segments.get(1)?).to_owned()
        }
        Shape::Review => {
            if !first.contains("_Review-") {
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
            ("https://github.com/miller-tools/", "github", "https://github.com/miller-tools"),
            ("https://t.me/millerplumbing", "telegram", "https://t.me/millerplumbing"),
            ("https://discord.gg/AbC123", "discord", "https://discord.gg/AbC123"),
            ("https://discord.com/invite/AbC123", "discord", "https://discord.gg/AbC123"),
            ("https://linktr.ee/millerplumbing", "linktree", "https://linktr.ee/millerplumbing"),
            (
                "https://www.tripadvisor.de/Restaurant_Review-g187323-d1234567-Reviews-Baeckerei_Huber-Berlin.html",
                "tripadvisor",
                "https://www.tripadvisor.com/Restaurant_Review-g187323-d1234567-Reviews-Baeckerei_Huber-Berlin.html",
            ),
            ("https://wa.me/4915112345678?text=Hallo", "whatsapp", "https://wa.me/4915112345678"),
            (
                "https://api.whatsapp.com/send?phone=+49%20151%2012345678",
                "whatsapp",
                "https://wa.me/4915112345678",
            ),
            ("https://g.page/baeckerei-huber?share", "google_business", "https://g.page/baeckerei-huber"),
            ("https://maps.app.goo.gl/Xy12AbCdEf", "google_business", "https://maps.app.goo.gl/Xy12AbCdEf"),
            ("https://goo.gl/maps/Xy12AbCdEf", "google_business", "https://goo.gl/maps/Xy12AbCdEf"),
            (
                "https://maps.google.com/?cid=1234567890123456789",
                "google_business",
                "https://maps.google.com/?cid=1234567890123456789",
            ),
            (
                "https://www.google.de/maps?cid=1234567890123456789&hl=de",
                "google_business",
                "https://maps.google.com/?cid=1234567890123456789",
            ),
            (
                "https://www.google.com/maps/place/Miller+Plumbing/@37.77,-122.41,17z/data=!3m1",
                "google_business",
                "https://www.google.com/maps/place/Miller+Plumbing/@37.77,-122.41,17z/data=!3m1",
            ),
            ("https://mastodon.social/@miller", "mastodon", "https://mastodon.social/@miller"),
            ("https://chaos.social/@baeckerei_huber/", "mastodon", "https://chaos.social/@baeckerei_huber"),
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
            "https://github.com/features/actions",
            "https://github.com/",
            "https://t.me/share/url?url=https%3A%2F%2Fmiller.com",
            "https://discord.com/channels/123/456",
            "https://www.tripadvisor.com/Search?q=miller",
            "https://api.whatsapp.com/send?text=Look%20at%20this",
            "https://wa.me/?text=hi",
            "https://wa.me/123",
            "whatsapp://send?phone=4915112345678",
            "https://www.google.com/maps/dir/?api=1&destination=Berlin",
            "https://www.google.com/maps/embed?pb=!1m18",
            "https://www.google.com/search?q=miller",
            "https://fonts.googleapis.com/css?family=Roboto",
            "https://medium.com/@millerplumbing",
            "https://mastodon.social/@miller/109876543210",
            "https://miller.com/@team",
            "/@team",
        ] {
            assert_eq!(p(href), None, "{href}");
        }
    }
}
