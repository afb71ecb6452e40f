//! The local server under load next to a bare axum JSON endpoint, in one run: each server is
//! started alone, loaded by `wrk` over loopback for the same time with the same connections, and
//! stopped; the table gives requests per second, p50 and p99 latency and the throughput ratio.
//!
//! `load-test <release dir>` (scripts/bench builds the binaries and calls it).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

const CONNECTIONS: &str = "32";
const DURATION: &str = "10s";

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        self.0.kill().ok();
        self.0.wait().ok();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

fn wait_until_listening(port: u16) {
    for _ in 0..200 {
        if TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return;
        }
        std::thread::sleep(Duration::from_millis(25));
    }
    panic!("nothing listens on port {port}");
}

/// One request with a hand-written HTTP/1.1 exchange: the body of a 200 answer.
fn get(port: u16, path: &str, token: &str) -> serde_json::Value {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer {token}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    let (_, body) = response.split_once("\r\n\r\n").unwrap();
    serde_json::from_str(body).unwrap()
}

struct Load {
    requests_per_second: f64,
    p50: String,
    p99: String,
}

/// `wrk --latency` against `url`; every answer must be a 2xx (wrk counts the others).
fn wrk(url: &str, token: Option<&str>) -> Load {
    let mut command = Command::new("wrk");
    command.args(["--latency", "-t1", "-c", CONNECTIONS, "-d", DURATION]);
    if let Some(token) = token {
        command.args(["-H", &format!("Authorization: Bearer {token}")]);
    }
    let output = command.arg(url).output().expect("wrk runs (scripts/bench installs it)");
    let report = String::from_utf8_lossy(&output.stdout);
    assert!(!report.contains("Non-2xx"), "{url} answered errors:\n{report}");
    let field = |prefix: &str| {
        report
            .lines()
            .map(str::trim)
            .find_map(|line| line.strip_prefix(prefix))
            .unwrap_or_else(|| panic!("no {prefix} in wrk's report:\n{report}"))
            .trim()
            .to_owned()
    };
    Load { requests_per_second: field("Requests/sec:").parse().unwrap(), p50: field("50%"), p99: field("99%") }
}

fn main() {
    let directory = std::env::args().nth(1).expect("the release directory");
    let directory = Path::new(&directory);
    let mut rows = Vec::new();

    let port = free_port();
    let bare = Server(Command::new(directory.join("bare-axum")).env("PORT", port.to_string()).spawn().unwrap());
    wait_until_listening(port);
    rows.push(("bare axum GET /json", wrk(&format!("http://127.0.0.1:{port}/json"), None)));
    drop(bare);

    // The local server as README command one starts it: embedded store, demo tenant, text logs.
    let port = free_port();
    let mut child = Command::new(directory.join("assetronics-local"))
        .env("PORT", port.to_string())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let token = lines
        .by_ref()
        .find_map(|line| line.unwrap().strip_prefix("export TOKEN=").map(str::to_owned))
        .expect("the local server prints the demo admin token");
    std::thread::spawn(move || lines.for_each(drop));
    let local = Server(child);
    wait_until_listening(port);
    let base = format!("http://127.0.0.1:{port}/api/v1/workflows");
    let listed = get(port, "/api/v1/workflows", &token);
    let id = listed["data"][0]["id"].as_str().expect("the demo tenant has workflows").to_owned();
    rows.push(("local GET /workflows/{id}", wrk(&format!("{base}/{id}"), Some(&token))));
    rows.push(("local GET /workflows (page)", wrk(&base, Some(&token))));
    drop(local);

    let baseline = rows[0].1.requests_per_second;
    println!("wrk, 1 thread, {CONNECTIONS} connections, {DURATION} each, loopback");
    println!("{:<30} {:>10} {:>10} {:>10} {:>8}", "endpoint", "req/s", "p50", "p99", "vs bare");
    for (name, load) in &rows {
        println!(
            "{name:<30} {:>10.0} {:>10} {:>10} {:>8.2}",
            load.requests_per_second,
            load.p50,
            load.p99,
            load.requests_per_second / baseline
        );
    }
}
