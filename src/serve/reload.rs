//! Live reload over Server-Sent Events: every open tab holds a connection to
//! `/__annex/events` and reloads itself when a `reload` event arrives.
//!
//! Server-Sent Events rather than WebSocket: the browser side is a single
//! `EventSource` that reconnects by itself, and the server side is a plain
//! HTTP response that stays open, with no framing or handshake to get
//! right. The connections are held here, by one list that a rebuild writes
//! to, not by the HTTP worker threads.

use std::io::Write;
use std::net::TcpStream;
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

/// The URL path of the event stream.
pub const EVENTS_PATH: &str = "/__annex/events";
/// More tabs than this is a leak, not a preview.
const MAX_CLIENTS: usize = 128;
/// A comment line keeps idle connections open through proxies and lets us
/// notice tabs that went away.
const KEEPALIVE: Duration = Duration::from_secs(15);

/// The open event streams.
pub struct Hub {
    clients: Mutex<Vec<TcpStream>>,
    /// Identifies this server process: a tab that reconnects to a restarted
    /// server sees a different id and reloads.
    server_id: String,
}

impl Hub {
    pub fn new() -> Arc<Hub> {
        let server_id = format!(
            "{}-{}",
            std::process::id(),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_millis())
                .unwrap_or_default()
        );
        let hub = Arc::new(Hub {
            clients: Mutex::new(Vec::new()),
            server_id,
        });
        let weak = Arc::downgrade(&hub);
        // The keep-alive thread ends with the hub.
        let _ = thread::Builder::new()
            .name("annex-reload-keepalive".into())
            .spawn(move || loop {
                thread::sleep(KEEPALIVE);
                match weak.upgrade() {
                    Some(hub) => {
                        hub.send(": keepalive\n\n");
                    }
                    None => return,
                }
            });
        hub
    }

    /// Takes over a connection whose request asked for the event stream.
    pub fn attach(&self, mut stream: TcpStream) {
        let mut clients = match self.clients.lock() {
            Ok(c) => c,
            Err(_) => return,
        };
        if clients.len() >= MAX_CLIENTS {
            let _ = stream.write_all(
                b"HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
            );
            return;
        }
        let _ = stream.set_write_timeout(Some(Duration::from_secs(2)));
        let head = format!(
            "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\n\
             X-Content-Type-Options: nosniff\r\nConnection: keep-alive\r\n\r\n\
             retry: 500\nevent: hello\ndata: {}\n\n",
            self.server_id
        );
        if stream.write_all(head.as_bytes()).is_ok() && stream.flush().is_ok() {
            clients.push(stream);
        }
    }

    /// Tells every tab to reload; returns how many were told.
    pub fn reload(&self, detail: &str) -> usize {
        let data: String = detail
            .chars()
            .filter(|c| *c != '\n' && *c != '\r')
            .collect();
        self.send(&format!("event: reload\ndata: {data}\n\n"))
    }

    fn send(&self, message: &str) -> usize {
        let Ok(mut clients) = self.clients.lock() else {
            return 0;
        };
        clients.retain_mut(|c| c.write_all(message.as_bytes()).is_ok() && c.flush().is_ok());
        clients.len()
    }
}

/// The script added to every HTML page `serve` answers with (never to
/// `build` output). It reloads on `reload`, and when it reconnects to a
/// server that restarted (a different `hello`).
pub const SCRIPT: &str = "<script>/* annex serve: live reload */(()=>{let id=null;\
const es=new EventSource(\"/__annex/events\");\
es.addEventListener(\"hello\",e=>{if(id!==null&&id!==e.data)location.reload();id=e.data;});\
es.addEventListener(\"reload\",()=>location.reload());})();</script>";
