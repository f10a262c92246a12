//! The template engine: minijinja over the files of `templates/`, embedded at build time,
//! with HTML autoescaping for `.html` templates (every string from an audited page is
//! untrusted).

use std::sync::LazyLock;

use minijinja::{AutoEscape, Environment, UndefinedBehavior};
use serde::Serialize;

use crate::ReportError;

/// The per-lead page.
pub(crate) const LEAD: &str = "lead.html";
/// The batch overview.
pub(crate) const OVERVIEW: &str = "overview.html";

const FILES: &[(&str, &str)] = &[
    (LEAD, include_str!("../templates/lead.html")),
    (OVERVIEW, include_str!("../templates/overview.html")),
    ("style.css", include_str!("../templates/style.css")),
    ("overview.js", include_str!("../templates/overview.js")),
];

#[allow(clippy::expect_used)] // the embedded templates are checked by every render test
static ENV: LazyLock<Environment<'static>> = LazyLock::new(|| {
    let mut env = Environment::new();
    // A misspelt variable fails the render instead of printing nothing.
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env.set_auto_escape_callback(|name| {
        if name.ends_with(".html") {
            AutoEscape::Html
        } else {
            AutoEscape::None
        }
    });
    for (name, source) in FILES {
        env.add_template(name, source)
            .expect("the embedded templates parse");
    }
    env
});

/// Renders the template `name` with `ctx`.
pub(crate) fn render(name: &'static str, ctx: &impl Serialize) -> Result<String, ReportError> {
    let err = |e: minijinja::Error| ReportError::Template {
        template: name,
        message: format!("{e:#}"),
    };
    ENV.get_template(name)
        .map_err(err)?
        .render(ctx)
        .map_err(err)
}
