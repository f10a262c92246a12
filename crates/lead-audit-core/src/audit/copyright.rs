//! The copyright year of a page: the latest year written next to `©`, `(c)`, `&copy;` or
//! "Copyright", also when the year sits in the next element (`© <span>2019</span>`).

use std::sync::LazyLock;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};

/// Markers of a copyright notice, in the spellings sites write. Matched case-sensitively:
/// a case-insensitive matcher gets no SIMD prefilter and walks every byte of every text
/// node, which cost more than the rest of the page's quality checks together.
const MARKERS: &[&str] = &[
    "©",
    "Copyright",
    "copyright",
    "COPYRIGHT",
    "CopyRight",
    "(c)",
    "(C)",
    "&copy;",
    "&#169;",
];

/// Characters before a marker that may hold the year (`2019 © Acme`).
const BEFORE: usize = 16;
/// Characters after a marker that may hold the years (`© 2015–2019 Acme Ltd`).
const AFTER: usize = 48;

/// Years outside this range are not copyright years (phone fragments, prices).
const PLAUSIBLE: std::ops::RangeInclusive<i32> = 1980..=2100;

#[allow(clippy::expect_used)] // literal patterns
static FINDER: LazyLock<AhoCorasick> = LazyLock::new(|| {
    AhoCorasickBuilder::new()
        .match_kind(MatchKind::LeftmostFirst)
        .build(MARKERS)
        .expect("copyright markers compile")
});

/// Scans the text nodes of a page in document order.
#[derive(Debug, Default)]
pub(crate) struct CopyrightScan {
    latest: Option<i32>,
    /// Text gathered after the last marker, waiting for the following text nodes.
    window: String,
    /// Characters still wanted in `window`.
    wanted: usize,
}

impl CopyrightScan {
    /// Feeds the next visible text node.
    pub(crate) fn feed(&mut self, text: &str) {
        if self.wanted > 0 {
            let take: String = text.chars().take(self.wanted).collect();
            self.wanted -= take.chars().count();
            self.window.push_str(&take);
            if self.wanted == 0 {
                self.flush();
            }
        }
        let mut last_end = None;
        for m in FINDER.find_iter(text) {
            // A marker inside the window just taken adds nothing new.
            if last_end.is_some_and(|end| m.start() < end) {
                continue;
            }
            self.flush();
            let start = char_floor(text, m.start().saturating_sub(BEFORE));
            // Only the prefix of this node belongs to the notice; drop a partial word.
            let rest = &text[start..];
            let after: String = text[m.end()..].chars().take(AFTER).collect();
            let taken = after.chars().count();
            self.window.push_str(&rest[..m.end() - start]);
            self.window.push_str(&after);
            last_end = Some(m.end() + after.len());
            self.wanted = AFTER - taken;
            if self.wanted == 0 {
                self.flush();
            }
        }
    }

    /// The latest copyright year seen.
    pub(crate) fn finish(mut self) -> Option<i32> {
        self.flush();
        self.latest
    }

    fn flush(&mut self) {
        if self.window.is_empty() {
            return;
        }
        if let Some(y) = latest_year(&self.window) {
            self.latest = Some(self.latest.map_or(y, |l| l.max(y)));
        }
        self.window.clear();
        self.wanted = 0;
    }
}

/// The latest plausible four-digit year in `text` (runs of exactly four digits).
pub(crate) fn latest_year(text: &str) -> Option<i32> {
    let bytes = text.as_bytes();
    let mut best = None;
    let mut i = 0;
    while i < bytes.len() {
        if !bytes[i].is_ascii_digit() {
            i += 1;
            continue;
        }
        let start = i;
        while i < bytes.len() && bytes[i].is_ascii_digit() {
            i += 1;
        }
        if i - start == 4 {
            if let Ok(y) = text[start..i].parse::<i32>() {
                if PLAUSIBLE.contains(&y) {
                    best = Some(best.map_or(y, |b: i32| b.max(y)));
                }
            }
        }
    }
    best
}

fn char_floor(s: &str, mut i: usize) -> usize {
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// The copyright year of a list of text nodes.
#[cfg(test)]
pub(crate) fn year_of(texts: &[&str]) -> Option<i32> {
    let mut scan = CopyrightScan::default();
    for t in texts {
        scan.feed(t);
    }
    scan.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn symbol_and_year() {
        assert_eq!(year_of(&["© 2019 Acme Plumbing"]), Some(2019));
    }

    #[test]
    fn range_takes_the_latest_year() {
        assert_eq!(year_of(&["© 2015-2019 Acme"]), Some(2019));
        assert_eq!(
            year_of(&["Copyright © 2011 – 2017. All rights reserved."]),
            Some(2017)
        );
    }

    #[test]
    fn literal_entity_text_and_word() {
        assert_eq!(year_of(&["&copy; 2015-2019 Acme"]), Some(2019));
        assert_eq!(year_of(&["Copyright 2018 Acme"]), Some(2018));
        assert_eq!(year_of(&["COPYRIGHT (C) 2012 ACME"]), Some(2012));
        assert_eq!(year_of(&["(c) 2016 Bäckerei Müller"]), Some(2016));
    }

    #[test]
    fn year_before_the_marker() {
        assert_eq!(year_of(&["2014 © Acme"]), Some(2014));
    }

    #[test]
    fn year_in_the_next_text_node() {
        assert_eq!(year_of(&["©", " ", "2020", " Acme"]), Some(2020));
        assert_eq!(year_of(&["Copyright ", "2013", "–", "2021"]), Some(2021));
    }

    #[test]
    fn latest_of_several_notices() {
        assert_eq!(
            year_of(&["© 2012 Photos by Jo", "lots of text", "© 2023 Acme"]),
            Some(2023)
        );
    }

    #[test]
    fn no_marker_or_no_year() {
        assert_eq!(year_of(&["Founded in 1998, serving since 2005"]), None);
        assert_eq!(year_of(&["© Acme Plumbing. All rights reserved."]), None);
    }

    #[test]
    fn far_away_years_are_ignored() {
        let filler = "x".repeat(200);
        assert_eq!(year_of(&["© Acme", &filler, "Open since 2003"]), None);
    }

    #[test]
    fn digit_runs_that_are_not_years() {
        assert_eq!(latest_year("© 12345 2019x"), Some(2019));
        assert_eq!(latest_year("tel 0201 5555"), None);
        assert_eq!(latest_year("20199"), None);
    }

    #[test]
    fn multibyte_text_before_the_marker() {
        assert_eq!(year_of(&["ßßßßßßßßßßßßßßßßßß © 2022"]), Some(2022));
    }
}
