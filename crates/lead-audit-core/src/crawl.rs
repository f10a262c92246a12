//! Choosing which same-site pages to crawl (§4.2).
