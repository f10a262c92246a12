//! Serves the generated corpus: every site on its own loopback address (127.x.y.z, same
//! port), so each is a distinct host to the clients, and all of them under
//! `127.0.0.1:PORT/s/<index>/<path>` for the load generator.
//!
//! Usage: corpus-server <corpus-dir> [threads]. Prints `ready` once every listener is bound.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use bytes::Bytes;
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use lead_audit_bench::corpus::{self, Site};
use tokio::net::TcpListener;

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let dir = PathBuf::from(
        args.next()
            .context("usage: corpus-server <corpus-dir> [threads]")?,
    );
    let threads: usize = args.next().map(|t| t.parse()).transpose()?.unwrap_or(1);
    let (manifest, sites) = corpus::load(&dir)?;
    let sites: Arc<Vec<Site>> = Arc::new(sites);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(threads)
        .enable_all()
        .build()?;
    rt.block_on(async move {
        let mut binds = Vec::new();
        for (i, spec) in manifest.sites.iter().enumerate() {
            let addr: SocketAddr = format!("{}:{}", spec.host, manifest.port).parse()?;
            binds.push((
                TcpListener::bind(addr)
                    .await
                    .with_context(|| format!("binding {addr}"))?,
                Some(i),
            ));
        }
        let all: SocketAddr = format!("127.0.0.1:{}", manifest.port).parse()?;
        binds.push((
            TcpListener::bind(all)
                .await
                .with_context(|| format!("binding {all}"))?,
            None,
        ));
        for (listener, site) in binds {
            let sites = sites.clone();
            tokio::spawn(accept(listener, site, sites));
        }
        println!("ready");
        std::future::pending::<()>().await;
        Ok(())
    })
}

async fn accept(listener: TcpListener, site: Option<usize>, sites: Arc<Vec<Site>>) {
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            continue;
        };
        let _ = stream.set_nodelay(true);
        let sites = sites.clone();
        tokio::spawn(async move {
            let svc = service_fn(move |req| {
                let sites = sites.clone();
                async move { Ok::<_, Infallible>(answer(&sites, site, req).await) }
            });
            let _ = http1::Builder::new()
                .keep_alive(true)
                .serve_connection(TokioIo::new(stream), svc)
                .await;
        });
    }
}

async fn answer(
    sites: &[Site],
    site: Option<usize>,
    req: Request<Incoming>,
) -> Response<Full<Bytes>> {
    let path = req.uri().path();
    let (site, path) = match site {
        Some(i) => (&sites[i], path),
        None => {
            // `/s/<index>/<rest>`: every site through one address, for the load generator.
            let rest = path.strip_prefix("/s/").unwrap_or_default();
            let (idx, tail) = rest.split_once('/').unwrap_or((rest, ""));
            match idx.parse::<usize>().ok().and_then(|i| sites.get(i)) {
                Some(s) => (s, &path[path.len() - tail.len() - 1..]),
                None => return plain(404, "no such site"),
            }
        }
    };
    if site.delay_ms > 0 {
        tokio::time::sleep(Duration::from_millis(site.delay_ms)).await;
    }
    match site.behavior.as_str() {
        "hang" => {
            // Longer than any client's request timeout.
            tokio::time::sleep(Duration::from_secs(120)).await;
            return plain(504, "gave up");
        }
        "e500" => return plain(500, "internal server error"),
        _ => {}
    }
    let key = if path.is_empty() { "/" } else { path };
    let Some(page) = site.pages.get(key) else {
        return plain(404, "not found");
    };
    let mut b = Response::builder()
        .status(page.status)
        .header("content-type", &page.content_type);
    for (k, v) in &site.headers {
        b = b.header(k, v);
    }
    b.body(Full::new(page.body.clone()))
        .unwrap_or_else(|_| plain(500, "bad header"))
}

fn plain(status: u16, text: &'static str) -> Response<Full<Bytes>> {
    let mut r = Response::new(Full::new(Bytes::from_static(text.as_bytes())));
    *r.status_mut() =
        hyper::StatusCode::from_u16(status).unwrap_or(hyper::StatusCode::INTERNAL_SERVER_ERROR);
    r.headers_mut().insert(
        "content-type",
        hyper::header::HeaderValue::from_static("text/plain"),
    );
    r
}
