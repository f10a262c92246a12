//! The machine's PostgreSQL for the database tests: a fresh database per test, dropped
//! afterwards, and a relay in front of it that the test can cut to play a database outage
//! without touching the server itself.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use sqlx::Connection;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio_util::sync::CancellationToken;

/// The server's maintenance URL: `DATABASE_URL_TEST`, else the machine's `test` database.
pub fn admin_url() -> String {
    std::env::var("DATABASE_URL_TEST")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".to_owned())
}

/// Runs one statement on the maintenance database, from a runtime of its own (callers may be
/// inside a runtime, or inside `Drop`).
fn admin_execute(sql: String) -> Result<(), String> {
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| e.to_string())?;
        rt.block_on(async {
            let url = admin_url();
            let mut admin = sqlx::PgConnection::connect(&url)
                .await
                .map_err(|e| format!("PostgreSQL at {url} (set DATABASE_URL_TEST): {e}"))?;
            sqlx::Executor::execute(&mut admin, sql.as_str())
                .await
                .map(drop)
                .map_err(|e| format!("{sql}: {e}"))
        })
    })
    .join()
    .map_err(|_| "admin thread panicked".to_owned())?
}

/// A database `lead_audit_worker_<random>` of its own, dropped with this value.
pub struct TestDb {
    /// Its name.
    pub name: String,
}

impl TestDb {
    /// Creates the database (empty: no migrations applied).
    pub fn create() -> Self {
        let name = format!("lead_audit_worker_{}", uuid::Uuid::new_v4().simple());
        admin_execute(format!("CREATE DATABASE {name}")).unwrap();
        Self { name }
    }

    /// Its URL on the server of [`admin_url`], or through `via` (host:port) instead.
    pub fn url(&self, via: Option<SocketAddr>) -> String {
        let admin = admin_url();
        let server = admin.rsplit_once('/').map_or(admin.as_str(), |(s, _)| s);
        match via {
            None => format!("{server}/{}", self.name),
            Some(addr) => {
                let mut url = url::Url::parse(&format!("{server}/{}", self.name)).unwrap();
                url.set_ip_host(addr.ip()).unwrap();
                url.set_port(Some(addr.port())).unwrap();
                url.to_string()
            }
        }
    }

    /// The server's address, for [`DbRelay`].
    pub fn server_addr(&self) -> SocketAddr {
        let url = url::Url::parse(&admin_url()).unwrap();
        let host = url.host_str().unwrap_or("127.0.0.1");
        let host = if host == "localhost" {
            "127.0.0.1"
        } else {
            host
        };
        format!("{host}:{}", url.port().unwrap_or(5432))
            .parse()
            .expect("DATABASE_URL_TEST names the server by IP address or localhost")
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let dropped = admin_execute(format!(
            "DROP DATABASE IF EXISTS {} WITH (FORCE)",
            self.name
        ));
        if let Err(e) = dropped {
            if !std::thread::panicking() {
                panic!("could not drop test database {}: {e}", self.name);
            }
        }
    }
}

/// A TCP relay on 127.0.0.1 to a PostgreSQL server. [`DbRelay::cut`] drops every relayed
/// connection and closes new ones at once, as a crashed server would;
/// [`DbRelay::restore`] relays again.
pub struct DbRelay {
    /// Where clients connect.
    pub addr: SocketAddr,
    up: Arc<AtomicBool>,
    cuts: watch::Sender<u64>,
    stop: CancellationToken,
}

impl DbRelay {
    /// Starts relaying to `server` from a thread of its own.
    pub fn start(server: SocketAddr) -> Self {
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
        Self {
            addr: rx.recv().unwrap(),
            up,
            cuts,
            stop,
        }
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
