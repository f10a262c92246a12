//! HTTP fetching with the SSRF guard, robots.txt and charset detection (§4.1).

pub mod charset;
pub mod client;
pub mod guard;
pub mod resolver;
pub mod robots;

pub use client::{FetchError, FetchedPage, Fetcher};
