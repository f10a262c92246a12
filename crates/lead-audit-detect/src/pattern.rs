//! One Wappalyzer pattern string: `regex\;version:\1\;confidence:50`, translated from
//! JavaScript regex syntax into what the `regex` crate parses.

use regex::bytes::{Captures, Regex, RegexBuilder};
use std::sync::OnceLock;

/// Compiled regexes may be large: a full dataset has patterns with long alternations.
const REGEX_SIZE_LIMIT: usize = 32 << 20;

/// A pattern ready to match: validated source, lazily compiled regex, version template.
#[derive(Debug)]
pub(crate) struct Pattern {
    /// Full source given to the regex crate, flags included (`(?i-u)…`); empty = match all.
    pub source: String,
    /// The regex as parsed without case folding, for literal extraction.
    pub hir: Option<regex_syntax::hir::Hir>,
    /// `\1`-style template, when the pattern captures a version.
    pub version: Option<String>,
    /// 0..=100, default 100.
    pub confidence: u8,
    regex: OnceLock<Option<Regex>>,
}

/// Why a pattern was not kept.
#[derive(Debug)]
pub(crate) struct Skip(pub String);

impl Pattern {
    /// Parses a Wappalyzer pattern string. Unsupported JavaScript syntax gives `Skip`.
    pub fn parse(raw: &str) -> Result<Pattern, Skip> {
        let mut parts = raw.split("\\;");
        let regex_part = parts.next().unwrap_or_default();
        let mut version = None;
        let mut confidence = 100u8;
        for part in parts {
            if let Some(v) = part.strip_prefix("version:") {
                if !v.is_empty() {
                    version = Some(v.to_owned());
                }
            } else if let Some(c) = part.strip_prefix("confidence:") {
                confidence = c.trim().parse::<u32>().map_or(100, |c| c.min(100) as u8);
            }
        }
        if regex_part.is_empty() {
            return Ok(Pattern::with_source(
                String::new(),
                None,
                version,
                confidence,
            ));
        }
        let translated = translate(regex_part)?;
        // ASCII-only semantics are much cheaper to match; fall back to Unicode for the few
        // patterns whose classes need it.
        for (flags, unicode) in [("(?i-u)", false), ("(?i)", true)] {
            let parsed = regex_syntax::ParserBuilder::new()
                .unicode(unicode)
                .utf8(false)
                .build()
                .parse(&translated);
            if let Ok(hir) = parsed {
                let source = format!("{flags}{translated}");
                return Ok(Pattern::with_source(source, Some(hir), version, confidence));
            }
        }
        Err(Skip(format!("unparseable regex {translated:?}")))
    }

    fn with_source(
        source: String,
        hir: Option<regex_syntax::hir::Hir>,
        version: Option<String>,
        confidence: u8,
    ) -> Pattern {
        Pattern {
            source,
            hir,
            version,
            confidence,
            regex: OnceLock::new(),
        }
    }

    /// True for the empty pattern, which only asks that the key exists.
    pub fn matches_all(&self) -> bool {
        self.source.is_empty()
    }

    /// The compiled regex; compiled on first use so a 3,000-technology dataset loads fast.
    fn regex(&self) -> Option<&Regex> {
        self.regex
            .get_or_init(|| match build_regex(&self.source) {
                Ok(r) => Some(r),
                Err(e) => {
                    tracing::debug!(pattern = %self.source, error = %e, "fingerprint regex not compiled");
                    None
                }
            })
            .as_ref()
    }

    /// Matches `haystack`; on a match returns the version (possibly empty).
    pub fn exec(&self, haystack: &[u8]) -> Option<Option<String>> {
        if self.matches_all() {
            return Some(None);
        }
        let regex = self.regex()?;
        match &self.version {
            None => regex.is_match(haystack).then_some(None),
            Some(template) => {
                let caps = regex.captures(haystack)?;
                Some(apply_version(template, &caps))
            }
        }
    }
}

/// Compiles a pattern source with the engine's size limits.
pub(crate) fn build_regex(source: &str) -> Result<Regex, regex::Error> {
    RegexBuilder::new(source)
        .size_limit(REGEX_SIZE_LIMIT)
        .dfa_size_limit(REGEX_SIZE_LIMIT)
        .build()
}

/// Fills a version template: `\N` is capture N, `\N?a:b` is `a` when capture N matched
/// something, else `b`.
pub(crate) fn apply_version(template: &str, caps: &Captures<'_>) -> Option<String> {
    let group = |n: usize| {
        caps.get(n)
            .map(|m| String::from_utf8_lossy(m.as_bytes()).into_owned())
            .unwrap_or_default()
    };
    let mut out = String::new();
    let bytes = template.as_bytes();
    let mut i = 0;
    while i < template.len() {
        let c = bytes[i];
        if c == b'\\' && i + 1 < bytes.len() && bytes[i + 1].is_ascii_digit() {
            let n = usize::from(bytes[i + 1] - b'0');
            i += 2;
            if bytes.get(i) == Some(&b'?') {
                // Ternary: the rest of the template is `a:b`.
                let rest = &template[i + 1..];
                let (yes, no) = rest.split_once(':').unwrap_or((rest, ""));
                let chosen = if group(n).is_empty() { no } else { yes };
                out.push_str(&expand_plain(chosen, &group));
                break;
            }
            out.push_str(&group(n));
        } else {
            let ch = template[i..].chars().next().unwrap_or_default();
            out.push(ch);
            i += ch.len_utf8();
        }
    }
    let out = out.trim().to_owned();
    (!out.is_empty()).then_some(out)
}

fn expand_plain(text: &str, group: &dyn Fn(usize) -> String) -> String {
    let mut out = String::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, chars.peek().and_then(|d| d.to_digit(10))) {
            ('\\', Some(n)) => {
                chars.next();
                out.push_str(&group(n as usize));
            }
            _ => out.push(c),
        }
    }
    out
}

/// Rewrites JavaScript regex syntax the `regex` crate does not accept: literal braces,
/// `[` inside classes, `\/`, positive lookarounds (dropped: the match only widens).
/// Back-references and negative lookarounds cannot be expressed: the pattern is skipped.
pub(crate) fn translate(js: &str) -> Result<String, Skip> {
    let chars: Vec<char> = js.chars().collect();
    let mut out = String::with_capacity(js.len() + 8);
    let mut in_class = false;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match c {
            '\\' => {
                let Some(&next) = chars.get(i + 1) else {
                    return Err(Skip("trailing backslash".into()));
                };
                i += 2;
                match next {
                    '1'..='9' => return Err(Skip("back-reference".into())),
                    '0' => out.push_str("\\x00"),
                    'c' => return Err(Skip("control escape".into())),
                    'd' | 'D' | 'w' | 'W' | 's' | 'S' | 'n' | 'r' | 't' | 'f' | 'v' => {
                        out.push('\\');
                        out.push(next);
                    }
                    'b' | 'B' if !in_class => {
                        out.push('\\');
                        out.push(next);
                    }
                    'b' => out.push_str("\\x08"),
                    'x' | 'u' => {
                        let len = if next == 'x' { 2 } else { 4 };
                        let hex: String = chars.iter().skip(i).take(len).collect();
                        let code = (hex.len() == len && hex.chars().all(|h| h.is_ascii_hexdigit()))
                            .then(|| u32::from_str_radix(&hex, 16).ok())
                            .flatten();
                        if let Some(code) = code {
                            // Non-ASCII goes in as the character so it matches its UTF-8.
                            match char::from_u32(code) {
                                Some(ch) if code >= 0x80 => out.push(ch),
                                _ => out.push_str(&format!("\\x{{{hex}}}")),
                            }
                            i += len;
                        } else {
                            // JavaScript reads a bad `\x`/`\u` as the letter itself.
                            out.push(next);
                        }
                    }
                    _ => push_literal(&mut out, next),
                }
                continue;
            }
            '[' if in_class => out.push_str("\\["),
            '[' => {
                let negated = chars.get(i + 1) == Some(&'^');
                let first = i + 1 + usize::from(negated);
                // `[]` matches nothing and `[^]` anything in JavaScript.
                if chars.get(first) == Some(&']') {
                    if !negated {
                        return Err(Skip("empty class".into()));
                    }
                    out.push_str("(?s:.)");
                    i = first + 1;
                    continue;
                }
                in_class = true;
                out.push_str(if negated { "[^" } else { "[" });
                i = first;
                continue;
            }
            ']' if in_class => {
                in_class = false;
                out.push(']');
            }
            '&' | '~' if in_class => {
                out.push('\\');
                out.push(c);
            }
            '-' if in_class && chars.get(i + 1) == Some(&'-') => out.push_str("\\-"),
            '{' if !in_class => {
                let rest: String = chars[i..].iter().take(24).collect();
                match quantifier_len(&rest) {
                    Some(len) if i > 0 => {
                        out.push_str(&rest[..len]);
                        i += len;
                        continue;
                    }
                    _ => out.push_str("\\{"),
                }
            }
            '}' if !in_class => out.push_str("\\}"),
            '(' if !in_class && chars.get(i + 1) == Some(&'?') => {
                let kind: String = chars.iter().skip(i + 2).take(2).collect();
                if kind.starts_with('=') || kind.starts_with("<=") {
                    i = group_end(&chars, i)?;
                    continue;
                }
                if kind.starts_with('!') || kind.starts_with("<!") {
                    return Err(Skip("negative lookaround".into()));
                }
                out.push('(');
            }
            _ => out.push(c),
        }
        i += 1;
    }
    if in_class {
        return Err(Skip("unterminated class".into()));
    }
    Ok(out)
}

fn push_literal(out: &mut String, c: char) {
    if c.is_ascii_punctuation() {
        out.push('\\');
    }
    out.push(c);
}

/// Length of a valid `{n}`, `{n,}` or `{n,m}` quantifier at the start of `s`.
fn quantifier_len(s: &str) -> Option<usize> {
    let end = s.find('}')?;
    let body = &s[1..end];
    let (lo, hi) = body.split_once(',').unwrap_or((body, "0"));
    let digits = |t: &str| t.chars().all(|c| c.is_ascii_digit());
    (!lo.is_empty() && digits(lo) && digits(hi)).then_some(end + 1)
}

/// Index just past the group opened at `start`, honouring escapes and classes.
fn group_end(chars: &[char], start: usize) -> Result<usize, Skip> {
    let mut depth = 0usize;
    let mut in_class = false;
    let mut i = start;
    while i < chars.len() {
        match chars[i] {
            '\\' => i += 1,
            '[' if !in_class => in_class = true,
            ']' if in_class => in_class = false,
            '(' if !in_class => depth += 1,
            ')' if !in_class => {
                depth -= 1;
                if depth == 0 {
                    return Ok(i + 1);
                }
            }
            _ => {}
        }
        i += 1;
    }
    Err(Skip("unbalanced group".into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn version(p: &str, hay: &str) -> Option<Option<String>> {
        Pattern::parse(p).expect("pattern").exec(hay.as_bytes())
    }

    #[test]
    fn translates_javascript_only_syntax() {
        assert_eq!(translate(r"a\/b").unwrap_or_default(), r"a\/b");
        assert_eq!(translate(r#"{"x":1}"#).unwrap_or_default(), r#"\{"x":1\}"#);
        assert_eq!(translate(r"a{2,3}").unwrap_or_default(), r"a{2,3}");
        assert_eq!(translate(r"[[a]").unwrap_or_default(), r"[\[a]");
        assert_eq!(translate(r"foo(?=bar)baz").unwrap_or_default(), "foobaz");
        assert!(translate(r"(a)\1").is_err());
        assert!(translate(r"foo(?!bar)").is_err());
        assert_eq!(translate(r"a[^]b").unwrap_or_default(), "a(?s:.)b");
    }

    #[test]
    fn version_templates() {
        assert_eq!(
            version(r"jquery-([\d.]+)\.js\;version:\1", "jquery-1.12.4.js"),
            Some(Some("1.12.4".into()))
        );
        assert_eq!(
            version(r"app(-pro)?\.js\;version:\1?pro:free", "app.js"),
            Some(Some("free".into()))
        );
        assert_eq!(
            version(r"app(-pro)?\.js\;version:\1?pro:free", "app-pro.js"),
            Some(Some("pro".into()))
        );
        assert_eq!(version(r"nothing\;version:\1", "x"), None);
        assert_eq!(version(r"(\d)?x\;version:\1", "x"), Some(None));
    }

    #[test]
    fn confidence_and_case() {
        let p = Pattern::parse(r"WordPress\;confidence:40").expect("pattern");
        assert_eq!(p.confidence, 40);
        assert_eq!(p.exec(b"made with wordpress"), Some(None));
    }

    #[test]
    fn unicode_class_falls_back() {
        let p = Pattern::parse(r"caf[é]").expect("pattern");
        assert_eq!(p.exec("CAFé".as_bytes()), Some(None));
    }
}
