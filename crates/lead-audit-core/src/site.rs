//! Site-wide checks that need their own requests: http→https redirect, sitemap, favicon.

use tokio::time::Instant;
use url::Url;

use crate::fetch::robots::{Robots, RootRule};
use crate::fetch::Fetcher;

/// What the extra requests found.
#[derive(Debug, Clone, Default)]
pub struct SiteChecks {
    /// `http://host/` redirects to https (None: not checked, e.g. the site is plain http).
    pub redirects_to_https: Option<bool>,
    /// robots.txt exists.
    pub robots_txt: bool,
    /// What robots.txt says about the site root.
    pub robots_root: RootRule,
    /// A sitemap is listed in robots.txt or `/sitemap.xml` answers 200.
    pub sitemap_xml: Option<bool>,
    /// `/favicon.ico` answers 200.
    pub favicon_ico: Option<bool>,
}

/// Runs the checks concurrently; each is bounded by `deadline`.
pub async fn site_checks(
    fetcher: &Fetcher,
    home: &Url,
    robots: &Robots,
    deadline: Instant,
) -> SiteChecks {
    let https_redirect = async {
        if home.scheme() != "https" {
            return Some(false);
        }
        let mut plain = home.clone();
        plain.set_scheme("http").ok()?;
        plain.set_port(None).ok()?;
        plain.set_path("/");
        plain.set_query(None);
        let (_, location) = fetcher.head_hop(&plain, deadline).await.ok()?;
        Some(location.is_some_and(|l| l.scheme() == "https"))
    };
    let sitemap = async {
        if !robots.sitemaps.is_empty() {
            return Some(true);
        }
        ok_200(fetcher, home, "/sitemap.xml", deadline).await
    };
    let favicon = ok_200(fetcher, home, "/favicon.ico", deadline);
    let (redirects_to_https, sitemap_xml, favicon_ico) =
        tokio::join!(https_redirect, sitemap, favicon);
    SiteChecks {
        redirects_to_https,
        robots_txt: robots.exists,
        robots_root: robots.root,
        sitemap_xml,
        favicon_ico,
    }
}

async fn ok_200(fetcher: &Fetcher, home: &Url, path: &str, deadline: Instant) -> Option<bool> {
    let url = home.join(path).ok()?;
    let page = fetcher.get(&url, deadline).await.ok()?;
    Some(page.status == 200 && !page.body.is_empty())
}
