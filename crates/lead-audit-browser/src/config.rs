//! Pool configuration and discovery of the Chromium binary.

use std::path::{Path, PathBuf};
use std::time::Duration;

/// How the pool starts and drives Chromium. `Default` suits the CLI and the worker.
#[derive(Debug, Clone)]
pub struct BrowserConfig {
    /// The browser binary; `None` searches `CHROME_PATH`, `/usr/lib/chromium/chromium`, then
    /// `chromium`, `chromium-browser`, `google-chrome` on `PATH`.
    pub chrome_path: Option<PathBuf>,
    /// Tabs rendering at once (the pool's bound). Default: the CPU count, between 1 and 8.
    pub tabs: usize,
    /// Ceiling on one render, whatever time the caller offers.
    pub page_timeout: Duration,
    /// Longest wait for a loaded page to settle (scripts, XHR, DOM mutations) before reading it.
    pub settle_timeout: Duration,
    /// Let the browser load private, loopback and link-local addresses.
    pub allow_private_networks: bool,
    /// `host:port` authorities the browser may load even though they resolve to private
    /// addresses (a local fixture or intranet server), without opening the rest.
    pub allow_hosts: Vec<String>,
    /// `User-Agent` of every request; `None` keeps Chromium's own.
    pub user_agent: Option<String>,
    /// Where the per-browser profile directories are created; `None` uses the system temp dir.
    pub profile_root: Option<PathBuf>,
}

impl Default for BrowserConfig {
    fn default() -> Self {
        let cpus = std::thread::available_parallelism().map_or(2, |n| n.get());
        Self {
            chrome_path: None,
            tabs: cpus.clamp(1, 8),
            page_timeout: Duration::from_secs(30),
            settle_timeout: Duration::from_millis(2500),
            allow_private_networks: false,
            allow_hosts: Vec::new(),
            user_agent: None,
            profile_root: None,
        }
    }
}

/// Debian's real binary; `/usr/bin/chromium` is a shell wrapper that adds flags we do not want.
const DEBIAN_CHROMIUM: &str = "/usr/lib/chromium/chromium";
const PATH_NAMES: [&str; 4] = [
    "chromium",
    "chromium-browser",
    "google-chrome",
    "google-chrome-stable",
];

/// Finds the browser the pool would start: the configured path, `CHROME_PATH`, Debian's
/// binary, then `PATH`. Tests use it to decide whether browser cases can run.
pub fn find_chrome(configured: Option<&Path>) -> Result<PathBuf, String> {
    if let Some(path) = configured {
        return executable(path).then(|| path.to_path_buf()).ok_or_else(|| {
            format!(
                "configured browser {} is not an executable file",
                path.display()
            )
        });
    }
    if let Some(path) = std::env::var_os("CHROME_PATH").filter(|p| !p.is_empty()) {
        let path = PathBuf::from(path);
        return executable(&path)
            .then_some(path.clone())
            .ok_or_else(|| format!("CHROME_PATH={} is not an executable file", path.display()));
    }
    if executable(Path::new(DEBIAN_CHROMIUM)) {
        return Ok(PathBuf::from(DEBIAN_CHROMIUM));
    }
    PATH_NAMES
        .iter()
        .find_map(|name| on_path(name))
        .ok_or_else(|| {
            "no Chromium found: set CHROME_PATH, or install chromium (scripts/install-chromium)"
                .to_string()
        })
}

/// The first executable `name` in a `PATH` directory.
pub(crate) fn on_path(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|candidate| executable(candidate))
}

fn executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_configured_path_that_is_not_executable_is_refused() {
        let dir = tempfile::tempdir().expect("tempdir");
        let file = dir.path().join("chrome");
        std::fs::write(&file, "").expect("write");
        let err = find_chrome(Some(&file)).expect_err("not executable");
        assert!(err.contains("not an executable"), "{err}");
        assert!(find_chrome(Some(&dir.path().join("missing"))).is_err());
    }

    #[test]
    fn path_lookup_finds_executables_only() {
        // `sh` is on PATH on every machine the project runs on.
        assert!(on_path("sh").is_some());
        assert!(on_path("no-such-binary-lead-audit").is_none());
    }
}
