//! A fixture web server on 127.0.0.1 for the CLI tests: routes, a hit counter per path.

#![allow(dead_code, clippy::unwrap_used)]

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};

/// What a path answers.
#[derive(Clone)]
pub enum Reply {
    Html(String),
    Bytes {
        content_type: &'static str,
        body: Vec<u8>,
    },
    Status(u16, String),
    Redirect(u16, String),
    Slow(Duration, String),
    /// These bytes as the whole response (status line and headers included), then close.
    Raw(Vec<u8>),
    /// A 200 HTML head, then one byte of body every interval, forever.
    Drip(Duration),
}

#[derive(Clone, Default)]
struct Shared {
    routes: Arc<HashMap<String, Reply>>,
    hits: Arc<Mutex<HashMap<String, usize>>>,
}

/// A running server.
pub struct Server {
    pub addr: SocketAddr,
    hits: Arc<Mutex<HashMap<String, usize>>>,
}

impl Server {
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }

    pub fn hits(&self, path: &str) -> usize {
        self.hits.lock().unwrap().get(path).copied().unwrap_or(0)
    }

    pub fn total_hits(&self) -> usize {
        self.hits.lock().unwrap().values().sum()
    }
}

/// Starts a server on a free loopback port in a background thread with its own runtime.
pub fn start(routes: Vec<(&str, Reply)>) -> Server {
    start_on(0, routes)
}

/// Starts a server on 127.0.0.1:`port` (0: any free port): one thread accepting, one per
/// connection, `Connection: close` on every answer.
pub fn start_on(port: u16, routes: Vec<(&str, Reply)>) -> Server {
    let shared = Shared {
        routes: Arc::new(routes.into_iter().map(|(p, r)| (p.to_owned(), r)).collect()),
        hits: Arc::default(),
    };
    let hits = shared.hits.clone();
    let listener = TcpListener::bind(("127.0.0.1", port)).unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let shared = shared.clone();
            std::thread::spawn(move || {
                let _ = serve(&shared, stream);
            });
        }
    });
    Server { addr, hits }
}

/// Answers one request.
fn serve(s: &Shared, mut stream: TcpStream) -> std::io::Result<()> {
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut line = String::new();
    reader.read_line(&mut line)?;
    let target = line.split_whitespace().nth(1).unwrap_or("/").to_owned();
    // The rest of the head; no fixture request has a body.
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header)? == 0 || header.trim().is_empty() {
            break;
        }
    }
    let path = target.split('?').next().unwrap_or("/").to_owned();
    *s.hits.lock().unwrap().entry(path.clone()).or_default() += 1;
    match s.routes.get(&path) {
        Some(Reply::Raw(bytes)) => {
            stream.write_all(bytes)?;
            return stream.flush();
        }
        Some(Reply::Drip(every)) => {
            stream.write_all(
                b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 100000000\r\n\r\n<p>",
            )?;
            // Until the client goes away (a write fails), bounded at ten minutes.
            for _ in 0..(600_000 / every.as_millis().max(1)) {
                std::thread::sleep(*every);
                stream.write_all(b"a")?;
            }
            return Ok(());
        }
        _ => {}
    }
    let html = "text/html; charset=utf-8";
    let (status, headers, body): (u16, Vec<(&str, String)>, Vec<u8>) =
        match s.routes.get(&path).cloned() {
            None => (404, vec![], b"not found".to_vec()),
            Some(Reply::Html(body)) => (200, vec![("Content-Type", html.into())], body.into()),
            Some(Reply::Bytes { content_type, body }) => {
                (200, vec![("Content-Type", content_type.into())], body)
            }
            Some(Reply::Status(code, body)) => (code, vec![], body.into()),
            Some(Reply::Redirect(code, to)) => (code, vec![("Location", to)], Vec::new()),
            Some(Reply::Slow(delay, body)) => {
                std::thread::sleep(delay);
                (200, vec![("Content-Type", html.into())], body.into())
            }
            Some(Reply::Raw(_) | Reply::Drip(_)) => unreachable!("answered above"),
        };
    let mut head = format!(
        "HTTP/1.1 {status} {}\r\nContent-Length: {}\r\nConnection: close\r\n",
        reason(status),
        body.len()
    );
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes())?;
    stream.write_all(&body)?;
    stream.flush()
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        301 => "Moved Permanently",
        302 => "Found",
        307 => "Temporary Redirect",
        308 => "Permanent Redirect",
        404 => "Not Found",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        _ => "Status",
    }
}
