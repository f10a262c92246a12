//! Small helpers over scraper's DOM.

use scraper::node::Element;

/// The value of attribute `name` (lowercase) of `el`.
///
/// Same answer as `Element::attr` for HTML elements, without its cost: that one interns
/// `name` as an atom on every call (a hash, and a global lock for names outside html5ever's
/// static set), where elements carry a handful of attributes that compare faster directly.
pub(crate) fn attr<'a>(el: &'a Element, name: &str) -> Option<&'a str> {
    el.attrs().find(|(n, _)| *n == name).map(|(_, v)| v)
}

#[cfg(test)]
mod tests {
    use scraper::{Html, Selector};

    #[test]
    fn reads_attributes_like_scraper() {
        let doc =
            Html::parse_fragment(r#"<a HREF="/x" itemscope data-Role=" nav " title="">y</a>"#);
        #[allow(clippy::unwrap_used)]
        let a = Selector::parse("a").unwrap();
        let els: Vec<_> = doc.select(&a).collect();
        let el = els[0].value();
        for name in ["href", "itemscope", "data-role", "title", "rel"] {
            assert_eq!(super::attr(el, name), el.attr(name), "{name}");
        }
        assert_eq!(super::attr(el, "itemscope"), Some(""));
        assert_eq!(super::attr(el, "data-role"), Some(" nav "));
    }
}
