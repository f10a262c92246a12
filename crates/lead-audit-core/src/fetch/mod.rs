//! HTTP fetching with the SSRF guard, robots.txt and charset detection.

pub mod charset;
pub mod client;
pub mod guard;
pub mod resolver;
pub mod robots;

pub use client::{
    url_too_long, FetchError, FetchedPage, Fetcher, MAX_H2_HEADER_LIST_BYTES, MAX_URL_BYTES,
};
