//! A TCP proxy in front of the emulator that can stop forwarding on command: the store "stops
//! answering" the way a network partition or a paused process does (connections stay open, bytes
//! go nowhere), without hand-writing a fake of AWS.

use std::sync::Arc;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;

pub struct StallingProxy {
    pub url: String,
    paused: watch::Sender<bool>,
}

impl StallingProxy {
    /// Listens on a free loopback port and forwards every connection to `upstream` (`host:port`).
    pub async fn start(upstream: String) -> Arc<Self> {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("a free port");
        let url = format!("http://{}", listener.local_addr().expect("an address"));
        let (paused, _) = watch::channel(false);
        let proxy = Arc::new(Self { url, paused });
        let forwarding = proxy.paused.subscribe();
        tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                let paused = forwarding.clone();
                let upstream = upstream.clone();
                tokio::spawn(async move {
                    let Ok(server) = TcpStream::connect(&upstream).await else { return };
                    let (client_read, client_write) = client.into_split();
                    let (server_read, server_write) = server.into_split();
                    tokio::join!(
                        pipe(client_read, server_write, paused.clone()),
                        pipe(server_read, client_write, paused)
                    );
                });
            }
        });
        proxy
    }

    /// From now on nothing is forwarded in either direction until [`resume`](Self::resume).
    pub fn pause(&self) {
        self.paused.send_replace(true);
    }

    /// Bytes held back flow again (a write sent during the pause may still arrive now).
    pub fn resume(&self) {
        self.paused.send_replace(false);
    }
}

async fn pipe(
    mut from: tokio::net::tcp::OwnedReadHalf,
    mut to: tokio::net::tcp::OwnedWriteHalf,
    mut paused: watch::Receiver<bool>,
) {
    let mut buffer = vec![0; 64 * 1024];
    loop {
        let Ok(read) = from.read(&mut buffer).await else { return };
        if read == 0 || paused.wait_for(|paused| !paused).await.is_err() {
            return;
        }
        if to.write_all(&buffer[..read]).await.is_err() {
            return;
        }
    }
}
