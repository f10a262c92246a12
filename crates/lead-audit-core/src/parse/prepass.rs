//! A linear scan of the markup that drops the attributes of a tag past [`MAX_ATTRS`].
//!
//! html5ever's tokenizer checks every new attribute against the tag's earlier ones before
//! anything downstream sees the tag, so a tag with 200 000 attributes costs 2·10¹⁰
//! comparisons inside the tokenizer: no tree sink or token filter can help, the attributes
//! must be gone from the text it reads.
//!
//! The scan follows the tokenizer's rules for tags and attributes, and skips what the
//! tokenizer does not read as tags: comments, doctypes and other `<!…>` / `<?…>` sections,
//! and the contents of `<script>`, `<style>` and the other raw-text elements. A page without
//! such a tag comes back borrowed, unchanged.
//!
//! [`MAX_ATTRS`]: super::MAX_ATTRS

use std::borrow::Cow;

use memchr::{memchr, memmem};

/// Elements whose contents the tokenizer reads as text up to their own end tag.
const RAW_TEXT: &[&[u8]] = &[
    b"script",
    b"style",
    b"textarea",
    b"title",
    b"xmp",
    b"iframe",
    b"noembed",
    b"noframes",
    b"noscript",
];

fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r' | b'\x0c')
}

/// `html` with every attribute after the first `max` of a tag removed.
pub(crate) fn cap_attributes(html: &str, max: usize) -> Cow<'_, str> {
    let b = html.as_bytes();
    let mut out: Option<String> = None;
    let mut copied = 0;
    let mut i = 0;
    while let Some(off) = memchr(b'<', &b[i..]) {
        let lt = i + off;
        i = lt + 1;
        let end = match b.get(i) {
            Some(b'!') if b[i..].starts_with(b"!--") => comment_end(b, i + 1),
            Some(b'!' | b'?') => memchr(b'>', &b[i..]).map(|o| i + o + 1),
            Some(b'/') if b.get(i + 1).is_some_and(u8::is_ascii_alphabetic) => {
                tag(b, i + 1, max).map(|t| t.cut(&mut out, html, &mut copied))
            }
            Some(b'/') => memchr(b'>', &b[i..]).map(|o| i + o + 1),
            Some(c) if c.is_ascii_alphabetic() => tag(b, i, max).map(|t| {
                let after = t.cut(&mut out, html, &mut copied);
                let name = &b[i..t.name_end];
                if name.eq_ignore_ascii_case(b"plaintext") {
                    b.len()
                } else if let Some(raw) = RAW_TEXT.iter().find(|r| name.eq_ignore_ascii_case(r)) {
                    raw_text_end(b, after, raw)
                } else {
                    after
                }
            }),
            _ => Some(i),
        };
        match end {
            Some(e) => i = e,
            None => break,
        }
    }
    match out {
        Some(mut s) => {
            s.push_str(&html[copied..]);
            Cow::Owned(s)
        }
        None => Cow::Borrowed(html),
    }
}

/// A tag as the tokenizer reads it.
struct Tag {
    /// End of the tag name.
    name_end: usize,
    /// Start of the first attribute past the cap, and where the attributes end.
    excess: Option<(usize, usize)>,
    /// Just past the closing `>`.
    end: usize,
}

impl Tag {
    /// Copies the text before the excess attributes into `out`; returns where the tag ends.
    fn cut(&self, out: &mut Option<String>, html: &str, copied: &mut usize) -> usize {
        if let Some((from, to)) = self.excess {
            let s = out.get_or_insert_with(|| String::with_capacity(html.len()));
            s.push_str(&html[*copied..from]);
            *copied = to;
        }
        self.end
    }
}

/// Reads the tag whose name starts at `start`; `None` when the markup ends inside it (the
/// tokenizer then drops it).
fn tag(b: &[u8], start: usize, max: usize) -> Option<Tag> {
    let mut i = start;
    while i < b.len() && !is_space(b[i]) && b[i] != b'/' && b[i] != b'>' {
        i += 1;
    }
    let name_end = i;
    let mut count = 0;
    let mut excess_from = None;
    loop {
        while i < b.len() && (is_space(b[i]) || (b[i] == b'/' && b.get(i + 1) != Some(&b'>'))) {
            i += 1;
        }
        match b.get(i)? {
            b'>' => break,
            b'/' => {
                // `/>`: the self-closing flag stays, only attributes go.
                return Some(Tag {
                    name_end,
                    excess: excess_from.map(|f| (f, i)),
                    end: i + 2,
                });
            }
            _ => {}
        }
        count += 1;
        if count == max + 1 {
            excess_from = Some(i);
        }
        // A name's first character may be `=`; after that, `=` starts the value.
        i += 1;
        while i < b.len() && !is_space(b[i]) && !matches!(b[i], b'/' | b'>' | b'=') {
            i += 1;
        }
        while i < b.len() && is_space(b[i]) {
            i += 1;
        }
        if b.get(i) == Some(&b'=') {
            i += 1;
            while i < b.len() && is_space(b[i]) {
                i += 1;
            }
            match b.get(i)? {
                q @ (b'"' | b'\'') => i += 1 + memchr(*q, &b[i + 1..])? + 1,
                b'>' => {}
                _ => {
                    while i < b.len() && !is_space(b[i]) && b[i] != b'>' {
                        i += 1;
                    }
                }
            }
        }
    }
    Some(Tag {
        name_end,
        excess: excess_from.map(|f| (f, i)),
        end: i + 1,
    })
}

/// Just past the `-->` (or `--!>`) closing the comment whose `--` starts at `from`, when
/// `<!-->` and `<!--->` count as closed, as the tokenizer reads them.
fn comment_end(b: &[u8], from: usize) -> Option<usize> {
    let mut i = from;
    loop {
        let dash = i + memchr2(b"--", &b[i..])?;
        match &b[dash + 2..] {
            [b'>', ..] => return Some(dash + 3),
            [b'!', b'>', ..] => return Some(dash + 4),
            _ => i = dash + 1,
        }
    }
}

/// Where the text of a raw-text element opened before `from` ends: at its end tag, or at
/// the end of the markup.
fn raw_text_end(b: &[u8], from: usize, name: &[u8]) -> usize {
    let mut i = from;
    while let Some(off) = memchr2(b"</", &b[i..]) {
        let at = i + off + 2;
        let matches = b
            .get(at..at + name.len())
            .is_some_and(|n| n.eq_ignore_ascii_case(name));
        if matches
            && b.get(at + name.len())
                .is_none_or(|&c| is_space(c) || c == b'/' || c == b'>')
        {
            return i + off;
        }
        i = at;
    }
    b.len()
}

/// The first position of the two-byte `needle` in `hay`.
fn memchr2(needle: &[u8; 2], hay: &[u8]) -> Option<usize> {
    memmem::find(hay, needle)
}
