//! The page's visible text for `text` fingerprints: the text nodes of the body outside
//! scripts, styles, templates and `<noscript>`, within [`TEXT_CAP`] bytes.

use scraper::{Html, Node};

/// Bytes of visible text matched per page. A browser's `innerText` has no bound; a page's
/// product names and footer credits sit well within this.
pub(crate) const TEXT_CAP: usize = 256 << 10;

/// The body's visible text, document order, text nodes joined by a space.
pub(crate) fn visible_text(doc: &Html) -> String {
    let mut out = String::new();
    let mut stack = vec![doc.tree.root()];
    while let Some(node) = stack.pop() {
        match node.value() {
            Node::Text(t) => {
                let t = t.trim();
                if t.is_empty() {
                    continue;
                }
                if !out.is_empty() {
                    out.push(' ');
                }
                let room = TEXT_CAP.saturating_sub(out.len());
                if t.len() >= room {
                    let end = (0..=room)
                        .rev()
                        .find(|&i| t.is_char_boundary(i))
                        .unwrap_or(0);
                    out.push_str(&t[..end]);
                    break;
                }
                out.push_str(t);
                continue;
            }
            Node::Element(e)
                if matches!(
                    e.name(),
                    "head" | "script" | "style" | "noscript" | "template" | "svg"
                ) =>
            {
                continue
            }
            _ => {}
        }
        // Reversed, so the first child is popped first.
        stack.extend(node.children().rev());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn skips_head_scripts_and_styles_and_keeps_order() {
        let doc = Html::parse_document(
            "<html><head><title>Head title</title><style>p{}</style></head><body>\
             <p>First <b>bold</b></p><script>var hidden=1</script>\
             <noscript>enable js</noscript><template><i>tpl</i></template><p>Last</p></body></html>",
        );
        assert_eq!(visible_text(&doc), "First bold Last");
    }

    #[test]
    fn stops_at_the_cap_on_a_character_boundary() {
        let body = "é".repeat(TEXT_CAP);
        let doc = Html::parse_document(&format!("<p>{body}</p><p>after</p>"));
        let text = visible_text(&doc);
        assert!(text.len() <= TEXT_CAP);
        assert!(text.len() > TEXT_CAP - 2);
        assert!(!text.contains("after"));
    }
}
