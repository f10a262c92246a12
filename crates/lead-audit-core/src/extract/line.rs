//! Visible text the way a reader sees it. Text of inline elements joins its neighbours
//! (`<span>0221</span> 9876540`, `kontakt<span>@</span>firma.de`); block elements, `<br>`,
//! `<sup>`/`<sub>` and hidden elements end the line, so two table cells, list items or
//! paragraphs are never glued together.

use std::ops::Range;

/// Elements that flow inside a line of text without breaking it. `sup`/`sub` are left out:
/// footnote marks and exponents (`m<sup>2</sup>`, `49<sup>99</sup>`) would glue digits.
pub(crate) fn is_inline(name: &str) -> bool {
    matches!(
        name,
        "a" | "abbr"
            | "b"
            | "bdi"
            | "bdo"
            | "big"
            | "cite"
            | "code"
            | "data"
            | "del"
            | "dfn"
            | "em"
            | "font"
            | "i"
            | "img"
            | "ins"
            | "kbd"
            | "label"
            | "mark"
            | "nobr"
            | "q"
            | "s"
            | "samp"
            | "small"
            | "span"
            | "strike"
            | "strong"
            | "time"
            | "tt"
            | "u"
            | "var"
            | "wbr"
    )
}

/// One line of visible text being assembled from the text nodes of inline elements.
#[derive(Default)]
pub(crate) struct Line<'a> {
    parts: Vec<&'a str>,
    len: usize,
    /// Byte ranges of the joined text inside or right after an element that marks a phone
    /// number (an icon, `itemprop=telephone`).
    cued: Vec<Range<usize>>,
    joined: String,
}

impl<'a> Line<'a> {
    /// Appends a text node. A label and a number in separate elements
    /// (`<b>Tel</b><span>030 1234567</span>`) get a space between them, as a reader
    /// separates them.
    pub(crate) fn push(&mut self, text: &'a str, cued: bool) {
        if self.parts.is_empty() && text.trim().is_empty() {
            return;
        }
        let prev = self.parts.last().and_then(|p| p.chars().next_back());
        if let (Some(a), Some(b)) = (prev, text.chars().next()) {
            if (a.is_alphabetic() && b.is_ascii_digit())
                || (a.is_ascii_digit() && b.is_alphabetic())
            {
                self.parts.push(" ");
                self.len += 1;
            }
        }
        if cued {
            self.cued.push(self.len..self.len + text.len());
        }
        self.parts.push(text);
        self.len += text.len();
    }

    /// Hands the finished line and its cued ranges to `scan`, then starts a new line.
    /// Lines of nothing but whitespace are dropped.
    pub(crate) fn finish(&mut self, scan: impl FnOnce(&str, &[Range<usize>])) {
        let text: &str = match self.parts.as_slice() {
            [] => return,
            [one] => one,
            parts => {
                self.joined.clear();
                self.joined.reserve(self.len);
                for p in parts {
                    self.joined.push_str(p);
                }
                &self.joined
            }
        };
        if !text.trim().is_empty() {
            scan(text, &self.cued);
        }
        self.parts.clear();
        self.cued.clear();
        self.len = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(parts: &[(&'static str, bool)]) -> (String, Vec<Range<usize>>) {
        let mut line = Line::default();
        for (t, cued) in parts {
            line.push(t, *cued);
        }
        let mut out = (String::new(), Vec::new());
        line.finish(|t, c| out = (t.to_owned(), c.to_vec()));
        out
    }

    #[test]
    fn joins_parts_and_tracks_cued_ranges() {
        let (text, cued) = lines(&[
            ("  ", false),
            ("Tel ", false),
            ("0221", true),
            (" 98", false),
        ]);
        assert_eq!(text, "Tel 0221 98");
        assert_eq!(cued, vec![Range { start: 4, end: 8 }]);
    }

    #[test]
    fn separates_words_from_numbers() {
        assert_eq!(
            lines(&[("Tel", false), ("0301234567", false)]).0,
            "Tel 0301234567"
        );
        assert_eq!(
            lines(&[("0221", false), ("9876540", false)]).0,
            "02219876540"
        );
        assert_eq!(
            lines(&[("kontakt", false), ("@", false), ("firma.de", false)]).0,
            "kontakt@firma.de"
        );
    }

    #[test]
    fn blank_lines_are_not_scanned() {
        let mut line = Line::default();
        line.push(" \n ", false);
        let mut called = false;
        line.finish(|_, _| called = true);
        assert!(!called);
    }

    #[test]
    fn inline_and_block_elements() {
        assert!(is_inline("span") && is_inline("strong") && is_inline("a"));
        assert!(!is_inline("div") && !is_inline("td") && !is_inline("br") && !is_inline("sup"));
    }
}
