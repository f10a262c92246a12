//! HTTP fetching with the SSRF guard, robots.txt and charset detection (§4.1).

pub mod charset;
pub mod guard;
