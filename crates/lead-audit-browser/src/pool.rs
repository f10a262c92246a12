//! The pool: one lazily launched browser, a bounded set of reusable tabs, recovery from
//! crashes and hangs, and the core's `Renderer` seam.

use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::{Duration, Instant};

use chromiumoxide::Page;
use lead_audit_core::render::RenderFuture;
use lead_audit_core::{RenderError, RenderedPage, Renderer};
use tokio::sync::{Mutex, OwnedSemaphorePermit, Semaphore};
use tokio::time::timeout_at;
use url::Url;

use crate::config::{find_chrome, BrowserConfig};
use crate::page;
use crate::process::Instance;
use crate::proxy::{GuardProxy, Policy};

const HEALTH_TIMEOUT: Duration = Duration::from_secs(3);
const TAB_TIMEOUT: Duration = Duration::from_secs(10);
const CLOSE_TAB_TIMEOUT: Duration = Duration::from_secs(3);
/// After a failed launch, renders fail fast this long instead of each trying again.
const RELAUNCH_BACKOFF: Duration = Duration::from_secs(5);

/// A bounded pool of headless Chromium tabs behind the SSRF guard. Cheap to clone; all
/// clones share one browser. The browser starts on the first render, is relaunched after a
/// crash or hang, and is killed (whole process tree, profile removed) on [`shutdown`] or
/// when the last clone drops.
///
/// [`shutdown`]: BrowserPool::shutdown
#[derive(Clone)]
pub struct BrowserPool {
    inner: Arc<Inner>,
}

struct Inner {
    config: BrowserConfig,
    tabs: Arc<Semaphore>,
    policy: Arc<Policy>,
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    instance: Option<Arc<Instance>>,
    proxy: Option<GuardProxy>,
    failed: Option<(Instant, String)>,
    launches: u64,
    closed: bool,
}

impl std::fmt::Debug for BrowserPool {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BrowserPool")
            .field("config", &self.inner.config)
            .finish_non_exhaustive()
    }
}

impl BrowserPool {
    /// A pool with `config`. Starts nothing: Chromium is looked for and launched on the
    /// first render, so a missing browser only fails the renders that need it.
    pub fn new(config: BrowserConfig) -> Self {
        let tabs = config.tabs.max(1);
        Self {
            inner: Arc::new(Inner {
                policy: Arc::new(Policy::new(
                    config.allow_private_networks,
                    &config.allow_hosts,
                )),
                tabs: Arc::new(Semaphore::new(tabs)),
                config,
                state: Mutex::new(State::default()),
            }),
        }
    }

    /// The configuration the pool runs with.
    pub fn config(&self) -> &BrowserConfig {
        &self.inner.config
    }

    /// Process id of the running browser, if one is running (for monitoring).
    pub async fn browser_pid(&self) -> Option<u32> {
        let state = self.inner.state.lock().await;
        state
            .instance
            .as_ref()
            .filter(|i| i.is_alive())
            .and_then(|i| i.pid())
    }

    /// How many times a browser was launched (1 unless it had to be restarted).
    pub async fn launches(&self) -> u64 {
        self.inner.state.lock().await.launches
    }

    /// Stops the browser and waits until its processes are gone. Later renders fail with
    /// `Unavailable`.
    pub async fn shutdown(&self) {
        let instance = {
            let mut state = self.inner.state.lock().await;
            state.closed = true;
            state.proxy = None;
            state.instance.take()
        };
        if let Some(instance) = instance {
            instance.shutdown().await;
        }
    }

    /// Renders `url`: see [`Renderer::render`].
    pub async fn render_page(
        &self,
        url: &Url,
        timeout: Duration,
        js_paths: &[String],
    ) -> Result<RenderedPage, RenderError> {
        let started = Instant::now();
        // Waiting for a tab counts against the caller's time; the page itself gets at most
        // `page_timeout` of what is left.
        let deadline = tokio::time::Instant::now() + timeout;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(RenderError::Blocked(format!(
                "{url}: only http and https are rendered"
            )));
        }
        self.check(url).await?;

        // Held for the whole render: the bound on tabs in use.
        let _permit = timeout_at(deadline, self.inner.tabs.clone().acquire_owned())
            .await
            .map_err(|_| RenderError::Timeout(started.elapsed()))?
            .map_err(|_| RenderError::Unavailable("browser pool closed".into()))?;

        // A crash mid-render is retried once on the relaunched browser, time permitting.
        let mut attempt = 0;
        loop {
            attempt += 1;
            let instance = timeout_at(deadline, self.instance())
                .await
                .map_err(|_| RenderError::Timeout(started.elapsed()))??;
            let lease = match timeout_at(deadline, self.tab(&instance)).await {
                Ok(Ok(page)) => TabLease::new(page, instance.clone()),
                Ok(Err(e)) => {
                    instance.suspect.store(true, Ordering::SeqCst);
                    if attempt == 1 && !instance.is_alive() {
                        continue;
                    }
                    return Err(RenderError::Other(format!("opening a tab: {e}")));
                }
                Err(_) => {
                    instance.suspect.store(true, Ordering::SeqCst);
                    return Err(RenderError::Timeout(started.elapsed()));
                }
            };
            let blocked_before = self.inner.policy.blocked();
            let page_deadline =
                deadline.min(tokio::time::Instant::now() + self.inner.config.page_timeout);
            let left = page_deadline.saturating_duration_since(tokio::time::Instant::now());
            let settle = self.inner.config.settle_timeout.min(left / 2);
            let outcome = timeout_at(
                page_deadline,
                page::load(lease.page(), url.as_str(), settle, js_paths),
            )
            .await;
            match outcome {
                Ok(Ok(snap)) => {
                    let final_url = Url::parse(&snap.url).unwrap_or_else(|_| url.clone());
                    lease.give_back();
                    // A redirect to a refused address shows the guard's 403 at that address.
                    self.check(&final_url).await?;
                    return Ok(RenderedPage {
                        final_url,
                        status: snap.status,
                        html: snap.html,
                        js: snap.js,
                        elapsed: started.elapsed(),
                    });
                }
                Ok(Err(e)) => {
                    // The tab is dropped (and closed) with the lease.
                    let message = e.to_string();
                    if !instance.is_alive() {
                        if attempt == 1 {
                            drop(lease);
                            continue;
                        }
                        return Err(RenderError::Other(format!(
                            "the browser crashed: {message}"
                        )));
                    }
                    if self.inner.policy.blocked() > blocked_before
                        && message.contains("ERR_TUNNEL_CONNECTION_FAILED")
                    {
                        return Err(RenderError::Blocked(format!(
                            "{url}: a redirect led to a refused address"
                        )));
                    }
                    instance.suspect.store(true, Ordering::SeqCst);
                    return Err(RenderError::Other(format!("{url}: {message}")));
                }
                Err(_) => {
                    // The tab is poisoned by the abandoned navigation: the lease closes it.
                    instance.suspect.store(true, Ordering::SeqCst);
                    return Err(RenderError::Timeout(started.elapsed()));
                }
            }
        }
    }

    /// A permit of the pool's bound on tabs, for work in a tab of its own.
    pub(crate) async fn tab_permit(&self) -> Result<OwnedSemaphorePermit, RenderError> {
        self.inner
            .tabs
            .clone()
            .acquire_owned()
            .await
            .map_err(|_| RenderError::Unavailable("browser pool closed".into()))
    }

    /// Refuses a URL whose host the guard would refuse, before any browser work.
    pub(crate) async fn check(&self, url: &Url) -> Result<(), RenderError> {
        let (Some(host), Some(port)) = (url.host_str(), url.port_or_known_default()) else {
            return Err(RenderError::Blocked(format!("{url}: no host")));
        };
        if self.inner.config.allow_private_networks {
            return Ok(());
        }
        match self.inner.policy.resolve(host, port).await {
            Ok(_) => Ok(()),
            Err(why) => Err(RenderError::Blocked(why)),
        }
    }

    /// The running browser, launching or relaunching it when needed.
    pub(crate) async fn instance(&self) -> Result<Arc<Instance>, RenderError> {
        let mut state = self.inner.state.lock().await;
        if state.closed {
            return Err(RenderError::Unavailable("browser pool shut down".into()));
        }
        if let Some(current) = state.instance.clone() {
            let usable = current.is_alive()
                && (!current.suspect.load(Ordering::SeqCst)
                    || current.healthy(HEALTH_TIMEOUT).await);
            if usable {
                current.suspect.store(false, Ordering::SeqCst);
                return Ok(current);
            }
            tracing::warn!("browser stopped answering; restarting it");
            state.instance = None;
            // Renders still holding it fail on their own; the old tree goes now.
            current.shutdown().await;
        }
        if let Some((at, why)) = &state.failed {
            if at.elapsed() < RELAUNCH_BACKOFF {
                return Err(RenderError::Unavailable(why.clone()));
            }
        }
        let chrome = find_chrome(self.inner.config.chrome_path.as_deref()).map_err(|why| {
            state.failed = Some((Instant::now(), why.clone()));
            RenderError::Unavailable(why)
        })?;
        if state.proxy.is_none() && !self.inner.config.allow_private_networks {
            let proxy = GuardProxy::start(self.inner.policy.clone())
                .await
                .map_err(|e| {
                    RenderError::Unavailable(format!("starting the browser's guard proxy: {e}"))
                })?;
            state.proxy = Some(proxy);
        }
        let proxy = state.proxy.as_ref().map(GuardProxy::url);
        match Instance::launch(&chrome, &self.inner.config, proxy.as_deref()).await {
            Ok(instance) => {
                let instance = Arc::new(instance);
                state.instance = Some(instance.clone());
                state.failed = None;
                state.launches += 1;
                Ok(instance)
            }
            Err(why) => {
                state.failed = Some((Instant::now(), why.clone()));
                Err(RenderError::Unavailable(why))
            }
        }
    }

    /// An idle tab of `instance`, or a new one.
    async fn tab(&self, instance: &Instance) -> Result<Page, String> {
        let idle = instance
            .idle
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .pop();
        if let Some(page) = idle {
            return Ok(page);
        }
        let page = tokio::time::timeout(TAB_TIMEOUT, instance.new_tab())
            .await
            .map_err(|_| "the browser did not open a tab in time".to_string())??;
        tokio::time::timeout(TAB_TIMEOUT, page::prepare(&page))
            .await
            .map_err(|_| "the browser did not prepare a tab in time".to_string())??;
        Ok(page)
    }
}

impl Renderer for BrowserPool {
    fn render<'a>(
        &'a self,
        url: &'a Url,
        timeout: Duration,
        js_paths: &'a [String],
    ) -> RenderFuture<'a> {
        Box::pin(self.render_page(url, timeout, js_paths))
    }
}

/// A tab on loan to one render. Given back, it joins the idle list as it is (the next
/// render's navigation replaces the page); dropped otherwise (a timeout, an error, a
/// cancelled render), it is closed, since an abandoned navigation poisons the tab.
struct TabLease {
    page: Option<Page>,
    instance: Arc<Instance>,
}

impl TabLease {
    fn new(page: Page, instance: Arc<Instance>) -> Self {
        Self {
            page: Some(page),
            instance,
        }
    }

    fn page(&self) -> &Page {
        self.page
            .as_ref()
            .expect("a lease holds its page until given back or dropped")
    }

    /// Makes the tab idle again.
    fn give_back(mut self) {
        if let Some(page) = self.page.take() {
            if self.instance.is_alive() {
                self.instance
                    .idle
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .push(page);
            }
        }
    }
}

impl Drop for TabLease {
    fn drop(&mut self) {
        if let (Some(page), Ok(rt)) = (self.page.take(), tokio::runtime::Handle::try_current()) {
            rt.spawn(async move {
                let _ = tokio::time::timeout(CLOSE_TAB_TIMEOUT, page.close()).await;
            });
        }
    }
}
