//! One Chromium process tree: launched through a wrapper that puts it in its own process
//! group and kills it when we die, with a fresh profile directory, and torn down completely.

use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use chromiumoxide::browser::{Browser, BrowserConfig as CdpConfig};
use chromiumoxide::cdp::browser_protocol::browser::CloseParams;
use chromiumoxide::Page;
use futures::StreamExt;
use rustix::process::{Pid, Signal};
use tokio::sync::RwLock;
use tokio::task::JoinHandle;

use crate::config::{on_path, BrowserConfig};

const LAUNCH_TIMEOUT: Duration = Duration::from_secs(20);
const CLOSE_TIMEOUT: Duration = Duration::from_secs(3);

/// A launched browser, its event loop and its profile.
pub(crate) struct Instance {
    browser: RwLock<Browser>,
    handler: JoinHandle<()>,
    alive: Arc<AtomicBool>,
    /// Set after a timeout or error: the next user checks the browser still answers.
    pub(crate) suspect: AtomicBool,
    /// Tabs waiting for the next render.
    pub(crate) idle: std::sync::Mutex<Vec<Page>>,
    /// The browser's pid, which is also its process group id when `own_group`.
    pid: Option<u32>,
    own_group: bool,
    /// Set once the whole tree is known to be gone.
    gone: AtomicBool,
    profile: std::sync::Mutex<Option<tempfile::TempDir>>,
}

impl Instance {
    /// Starts Chromium. `proxy` is the guard proxy's URL, when the guard applies.
    pub(crate) async fn launch(
        chrome: &Path,
        config: &BrowserConfig,
        proxy: Option<&str>,
    ) -> Result<Self, String> {
        let profile = match &config.profile_root {
            Some(root) => tempfile::Builder::new()
                .prefix("lead-audit-chromium-")
                .tempdir_in(root),
            None => tempfile::Builder::new()
                .prefix("lead-audit-chromium-")
                .tempdir(),
        }
        .map_err(|e| format!("creating a profile directory: {e}"))?;
        let (executable, own_group) = wrapper(chrome, profile.path())?;

        let mut builder = CdpConfig::builder()
            .chrome_executable(&executable)
            .no_sandbox()
            .user_data_dir(profile.path().join("data"))
            .launch_timeout(LAUNCH_TIMEOUT)
            .request_timeout(config.page_timeout + Duration::from_secs(5))
            .viewport(None)
            .window_size(1280, 900)
            // Written without dashes: the builder adds them.
            .args([
                "disable-gpu",
                "disable-quic",
                "disable-component-update",
                "disable-domain-reliability",
                "no-default-browser-check",
                "no-pings",
                "dns-prefetch-disable",
            ])
            .arg(("disable-features", "NetworkTimeServiceQuerying"))
            // WebRTC would otherwise open UDP sockets the proxy never sees.
            .arg(("force-webrtc-ip-handling-policy", "disable_non_proxied_udp"));
        if let Some(proxy) = proxy {
            builder = builder
                .arg(("proxy-server", proxy))
                // Loopback is bypassed by default; `<-loopback>` sends it through the guard too.
                .arg(("proxy-bypass-list", "<-loopback>"));
        }
        if let Some(ua) = &config.user_agent {
            builder = builder.arg(("user-agent", ua.as_str()));
        }
        let cdp = builder.build()?;

        let (mut browser, mut handler) = Browser::launch(cdp)
            .await
            .map_err(|e| format!("starting {}: {e}", chrome.display()))?;
        let pid = browser.get_mut_child().and_then(|c| c.as_mut_inner().id());
        let alive = Arc::new(AtomicBool::new(true));
        let flag = alive.clone();
        let handler = tokio::spawn(async move {
            // The first error is the connection dropping (crash, kill): stop there so calls
            // in flight fail at once instead of waiting on a dead socket.
            while let Some(event) = handler.next().await {
                if let Err(e) = event {
                    tracing::warn!("browser connection lost: {e}");
                    break;
                }
            }
            flag.store(false, Ordering::SeqCst);
        });
        // Only a group of its own can be killed as a group: never signal ours.
        let own_group = own_group
            && pid.is_some_and(|p| {
                Pid::from_raw(p as i32)
                    .and_then(|pid| rustix::process::getpgid(Some(pid)).ok())
                    .is_some_and(|g| g.as_raw_nonzero().get() as u32 == p)
            });
        Ok(Self {
            browser: RwLock::new(browser),
            handler,
            alive,
            suspect: AtomicBool::new(false),
            idle: std::sync::Mutex::new(Vec::new()),
            pid,
            own_group,
            gone: AtomicBool::new(false),
            profile: std::sync::Mutex::new(Some(profile)),
        })
    }

    /// Whether the event loop still runs (it ends when the browser dies).
    pub(crate) fn is_alive(&self) -> bool {
        self.alive.load(Ordering::SeqCst) && !self.gone.load(Ordering::SeqCst)
    }

    /// The browser's process id.
    pub(crate) fn pid(&self) -> Option<u32> {
        self.pid
    }

    /// Asks the browser for its version within `limit`.
    pub(crate) async fn healthy(&self, limit: Duration) -> bool {
        if !self.is_alive() {
            return false;
        }
        let browser = self.browser.read().await;
        matches!(
            tokio::time::timeout(limit, browser.version()).await,
            Ok(Ok(_))
        )
    }

    /// Opens a blank tab.
    pub(crate) async fn new_tab(&self) -> Result<Page, String> {
        let browser = self.browser.read().await;
        browser
            .new_page("about:blank")
            .await
            .map_err(|e| e.to_string())
    }

    /// Closes the browser, kills what is left of its process group, reaps it and removes
    /// the profile. Safe to call more than once.
    pub(crate) async fn shutdown(&self) {
        if self.gone.swap(true, Ordering::SeqCst) {
            return;
        }
        self.idle.lock().unwrap_or_else(|e| e.into_inner()).clear();
        let mut browser = self.browser.write().await;
        if self.alive.load(Ordering::SeqCst) {
            let _ =
                tokio::time::timeout(CLOSE_TIMEOUT, browser.execute(CloseParams::default())).await;
            let _ = tokio::time::timeout(CLOSE_TIMEOUT, browser.wait()).await;
        }
        // Before reaping: the group id cannot be reused while the leader is unreaped.
        self.kill_group();
        let _ = tokio::time::timeout(CLOSE_TIMEOUT, browser.kill()).await;
        self.handler.abort();
        self.remove_profile();
    }

    fn kill_group(&self) {
        if let Some(pid) = self.pid.and_then(|p| Pid::from_raw(p as i32)) {
            if self.own_group {
                let _ = rustix::process::kill_process_group(pid, Signal::KILL);
            } else {
                let _ = rustix::process::kill_process(pid, Signal::KILL);
            }
        }
    }

    fn remove_profile(&self) {
        if let Some(dir) = self
            .profile
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take()
        {
            let path = dir.path().to_path_buf();
            if dir.close().is_err() {
                // A dying renderer may still have been writing: try once more.
                let _ = std::fs::remove_dir_all(path);
            }
        }
    }
}

impl Drop for Instance {
    fn drop(&mut self) {
        if !self.gone.swap(true, Ordering::SeqCst) {
            // The Browser's child is killed and reaped in the background when it drops
            // after this; the rest of the tree goes with the group.
            self.kill_group();
            self.handler.abort();
            self.remove_profile();
        }
    }
}

/// Writes the launch wrapper into the profile directory. With `setsid` and `setpriv` the
/// browser leads a new process group (killed as one) and gets SIGKILL when its parent
/// thread dies, so even an aborted process leaves no Chromium behind.
fn wrapper(chrome: &Path, dir: &Path) -> Result<(std::path::PathBuf, bool), String> {
    use std::os::unix::fs::PermissionsExt;
    let quoted = format!("'{}'", chrome.display().to_string().replace('\'', r"'\''"));
    let guarded = on_path("setsid").is_some() && on_path("setpriv").is_some();
    let exec = if guarded {
        format!("exec setsid setpriv --pdeathsig KILL -- {quoted} \"$@\"")
    } else {
        tracing::warn!("setsid/setpriv not found: Chromium may outlive an aborted process");
        format!("exec {quoted} \"$@\"")
    };
    let path = dir.join("chromium.sh");
    std::fs::write(&path, format!("#!/bin/sh\n{exec}\n"))
        .and_then(|()| std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o700)))
        .map_err(|e| format!("writing the launch wrapper: {e}"))?;
    Ok((path, guarded))
}
