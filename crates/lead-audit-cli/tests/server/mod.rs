//! A fixture web server on 127.0.0.1 for the CLI tests: routes, a hit counter per path.

#![allow(dead_code, clippy::unwrap_used)]

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Router;

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

/// Starts a server on 127.0.0.1:`port` (0: any free port).
pub fn start_on(port: u16, routes: Vec<(&str, Reply)>) -> Server {
    let shared = Shared {
        routes: Arc::new(routes.into_iter().map(|(p, r)| (p.to_owned(), r)).collect()),
        hits: Arc::default(),
    };
    let hits = shared.hits.clone();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async move {
            let listener = tokio::net::TcpListener::bind(("127.0.0.1", port))
                .await
                .unwrap();
            tx.send(listener.local_addr().unwrap()).unwrap();
            let app = Router::new().fallback(handle).with_state(shared);
            axum::serve(listener, app).await.unwrap();
        });
    });
    Server {
        addr: rx.recv().unwrap(),
        hits,
    }
}

async fn handle(State(s): State<Shared>, req: Request) -> Response {
    let path = req.uri().path().to_owned();
    *s.hits.lock().unwrap().entry(path.clone()).or_default() += 1;
    match s.routes.get(&path).cloned() {
        None => (StatusCode::NOT_FOUND, "not found").into_response(),
        Some(Reply::Html(body)) => html(body),
        Some(Reply::Bytes { content_type, body }) => {
            let mut r = Response::new(Body::from(body));
            r.headers_mut()
                .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
            r
        }
        Some(Reply::Status(code, body)) => {
            (StatusCode::from_u16(code).unwrap(), body).into_response()
        }
        Some(Reply::Redirect(code, to)) => {
            let mut r = Response::new(Body::empty());
            *r.status_mut() = StatusCode::from_u16(code).unwrap();
            r.headers_mut()
                .insert(header::LOCATION, HeaderValue::from_str(&to).unwrap());
            r
        }
        Some(Reply::Slow(delay, body)) => {
            tokio::time::sleep(delay).await;
            html(body)
        }
    }
}

fn html(body: String) -> Response {
    let mut r = Response::new(Body::from(body));
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    r
}
