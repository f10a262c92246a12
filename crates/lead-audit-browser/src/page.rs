//! What happens in one tab: navigate, let the page settle, read the DOM and globals.

use std::time::Duration;

use chromiumoxide::cdp::js_protocol::runtime::{CallArgument, CallFunctionOnParams};
use chromiumoxide::Page;
use serde::Deserialize;

const INFLIGHT_JS: &str = include_str!("js/inflight.js");
const SETTLE_JS: &str = include_str!("js/settle.js");
/// DOM quiet time that counts as settled.
const QUIET: Duration = Duration::from_millis(100);

/// What the page reported once settled.
#[derive(Debug, Deserialize)]
pub(crate) struct Snapshot {
    pub url: String,
    pub status: Option<u16>,
    pub html: String,
    pub js: Vec<(String, String)>,
}

/// Prepares a fresh tab: the request counter runs before every page's own scripts.
pub(crate) async fn prepare(page: &Page) -> Result<(), String> {
    page.evaluate_on_new_document(INFLIGHT_JS)
        .await
        .map(|_| ())
        .map_err(|e| e.to_string())
}

/// Loads `url` and returns the settled page. The caller bounds it with a timeout.
pub(crate) async fn load(
    page: &Page,
    url: &str,
    settle: Duration,
    js_paths: &[String],
) -> Result<Snapshot, chromiumoxide::error::CdpError> {
    page.goto(url).await?;
    match snapshot(page, settle, js_paths).await {
        Ok(s) => Ok(s),
        // A script navigated away while we waited: read the page it went to.
        Err(e) if e.to_string().contains("context") => {
            tokio::time::sleep(QUIET).await;
            snapshot(page, settle, js_paths).await
        }
        Err(e) => Err(e),
    }
}

async fn snapshot(
    page: &Page,
    settle: Duration,
    js_paths: &[String],
) -> Result<Snapshot, chromiumoxide::error::CdpError> {
    let call = CallFunctionOnParams::builder()
        .function_declaration(SETTLE_JS)
        .argument(
            CallArgument::builder()
                .value(serde_json::json!(js_paths))
                .build(),
        )
        .argument(
            CallArgument::builder()
                .value(serde_json::json!(settle.as_millis() as u64))
                .build(),
        )
        .argument(
            CallArgument::builder()
                .value(serde_json::json!(QUIET.as_millis() as u64))
                .build(),
        )
        .build()
        .map_err(chromiumoxide::error::CdpError::msg)?;
    Ok(page.evaluate_function(call).await?.into_value()?)
}
