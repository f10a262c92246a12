//! The machine's PostgreSQL for the database tests: a fresh database per test
//! ([`ScratchDb`], from `lead-audit-store`'s `test-support` feature), and a relay in front of
//! it that the test can cut to play a database outage without touching the server itself.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio_util::sync::CancellationToken;

pub use lead_audit_store::testing::ScratchDb;

/// A scratch database for one worker test.
pub fn scratch_db() -> ScratchDb {
    ScratchDb::create("lead_audit_worker").unwrap_or_else(|e| {
        panic!(
            "PostgreSQL at {} (set DATABASE_URL_TEST): {e}",
            lead_audit_store::testing::admin_url()
        )
    })
}

/// A TCP relay on 127.0.0.1 to a PostgreSQL server. [`DbRelay::cut`] drops every relayed
/// connection and closes new ones at once, as a crashed server would;
/// [`DbRelay::restore`] relays again.
pub struct DbRelay {
    /// Where clients connect.
    pub addr: SocketAddr,
    url: String,
    up: Arc<AtomicBool>,
    cuts: watch::Sender<u64>,
    stop: CancellationToken,
}

impl DbRelay {
    /// Starts relaying to the server of `db_url` from a thread of its own; [`DbRelay::url`]
    /// names the same database through the relay. The server is named by IP address or
    /// `localhost`.
    pub fn in_front_of(db_url: &str) -> Self {
        let mut url = url::Url::parse(db_url).unwrap();
        let host = match url.host_str().unwrap_or("127.0.0.1") {
            "localhost" => "127.0.0.1",
            host => host,
        };
        let server: SocketAddr = format!("{host}:{}", url.port().unwrap_or(5432))
            .parse()
            .expect("the database server is named by IP address or localhost");
        let up = Arc::new(AtomicBool::new(true));
        let (cuts, _) = watch::channel(0u64);
        let stop = CancellationToken::new();
        let (tx, rx) = std::sync::mpsc::channel();
        let (up2, cuts2, stop2) = (up.clone(), cuts.clone(), stop.clone());
        std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            rt.block_on(async move {
                let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
                tx.send(listener.local_addr().unwrap()).unwrap();
                loop {
                    let client = tokio::select! {
                        _ = stop2.cancelled() => break,
                        accepted = listener.accept() => match accepted {
                            Ok((client, _)) => client,
                            Err(_) => continue,
                        },
                    };
                    // Subscribe before reading `up`: a cut after this point reaches the relay.
                    let mut cut = cuts2.subscribe();
                    if !up2.load(Ordering::SeqCst) {
                        drop(client);
                        continue;
                    }
                    let stop = stop2.clone();
                    tokio::spawn(async move {
                        let Ok(mut upstream) = TcpStream::connect(server).await else {
                            return;
                        };
                        let mut client = client;
                        tokio::select! {
                            _ = tokio::io::copy_bidirectional(&mut client, &mut upstream) => {}
                            _ = cut.changed() => {}
                            _ = stop.cancelled() => {}
                        }
                    });
                }
            });
        });
        let addr: SocketAddr = rx.recv().unwrap();
        url.set_ip_host(addr.ip()).unwrap();
        url.set_port(Some(addr.port())).unwrap();
        Self {
            addr,
            url: url.to_string(),
            up,
            cuts,
            stop,
        }
    }

    /// The database's URL through the relay.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Drops every relayed connection; new ones are closed as soon as they are accepted.
    pub fn cut(&self) {
        self.up.store(false, Ordering::SeqCst);
        self.cuts.send_modify(|n| *n += 1);
    }

    /// Relays new connections again.
    pub fn restore(&self) {
        self.up.store(true, Ordering::SeqCst);
    }
}

impl Drop for DbRelay {
    fn drop(&mut self) {
        self.stop.cancel();
    }
}
