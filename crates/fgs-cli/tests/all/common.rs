//! A running `fgs-local serve` and a small HTTP client for the tests.
#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use serde_json::Value;

/// The binary under test.
pub const BIN: &str = env!("CARGO_BIN_EXE_fgs-local");

/// The default project id in paths.
pub const PROJECT: &str = "0123456789abcdef0123456789abcdef";

/// How long a test waits for the server before it fails.
pub const DEADLINE: Duration = Duration::from_secs(60);

/// A committed fixture module.
pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("../../fixtures/wasm/{name}.wasm"))
}

/// `fgs-local serve` on a free port; SIGTERM and wait on drop.
pub struct Server {
    pub child: Child,
    /// `http://127.0.0.1:PORT`
    pub base: String,
    /// Every line printed on stdout up to the curl line.
    pub banner: Vec<String>,
    /// Standard error lines, as they come.
    pub stderr: mpsc::Receiver<String>,
}

impl Server {
    /// Starts `fgs-local serve --port 0 ARGS` and waits for its banner.
    pub fn start(args: &[&str]) -> Server {
        let mut child = Command::new(BIN)
            .args(["serve", "--port", "0"])
            .args(args)
            .env("RUST_LOG", "info")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("fgs-local starts");
        let (err_tx, stderr) = mpsc::channel();
        let err = child.stderr.take().unwrap();
        std::thread::spawn(move || {
            for line in BufReader::new(err).lines().map_while(Result::ok) {
                if err_tx.send(line).is_err() {
                    break;
                }
            }
        });
        let (out_tx, out_rx) = mpsc::channel();
        let out = child.stdout.take().unwrap();
        std::thread::spawn(move || {
            for line in BufReader::new(out).lines().map_while(Result::ok) {
                if out_tx.send(line).is_err() {
                    break;
                }
            }
        });
        let mut banner = Vec::new();
        let bound = Instant::now() + DEADLINE;
        while !banner.iter().any(|l: &String| l.contains("curl ")) {
            let left = bound.saturating_duration_since(Instant::now());
            match out_rx.recv_timeout(left) {
                Ok(line) => banner.push(line),
                Err(_) => {
                    let _ = child.kill();
                    let errs: Vec<String> = stderr.try_iter().collect();
                    panic!("no banner from fgs-local: stdout {banner:?}, stderr {errs:?}");
                }
            }
        }
        let base = banner
            .iter()
            .find_map(|l| l.strip_prefix("fgs-local: listening on "))
            .and_then(|l| l.split_whitespace().next())
            .expect("the banner names the address")
            .to_owned();
        Server {
            child,
            base,
            banner,
            stderr,
        }
    }

    /// `{base}/v2/{PROJECT}/fgs`.
    pub fn api(&self) -> String {
        format!("{}/v2/{PROJECT}/fgs", self.base)
    }

    /// The `--endpoint` flag value of this server.
    pub fn endpoint(&self) -> [&str; 2] {
        ["--endpoint", &self.base]
    }

    /// Sends SIGTERM and waits (bounded) for the process to end; its stdout rest and status.
    pub fn stop(mut self) -> std::process::ExitStatus {
        terminate(&self.child);
        let bound = Instant::now() + DEADLINE;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            assert!(Instant::now() < bound, "fgs-local did not stop on SIGTERM");
            std::thread::park_timeout(Duration::from_millis(20));
        }
    }

    /// Waits (bounded) for a standard-error line containing every one of `parts`.
    pub fn wait_log(&self, parts: &[&str]) -> String {
        let bound = Instant::now() + DEADLINE;
        loop {
            let left = bound.saturating_duration_since(Instant::now());
            match self.stderr.recv_timeout(left) {
                Ok(line) if parts.iter().all(|p| line.contains(p)) => return line,
                Ok(_) => {}
                Err(_) => panic!("no log line with {parts:?}"),
            }
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

fn terminate(child: &Child) {
    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(status.success());
}

/// One HTTP exchange: status, body.
pub fn http(method: &str, url: &str, body: Option<&str>) -> (u16, String) {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into();
    let req = ureq::http::Request::builder()
        .method(method)
        .uri(url)
        .header("Content-Type", "application/json")
        .body(body.unwrap_or("").as_bytes().to_vec())
        .unwrap();
    let mut resp = agent.run(req).expect("the server answers");
    let status = resp.status().as_u16();
    let text = resp.body_mut().read_to_string().unwrap_or_default();
    (status, text)
}

/// GET `url` as JSON, asserting 200.
pub fn get_json(url: &str) -> Value {
    let (status, body) = http("GET", url, None);
    assert_eq!(status, 200, "GET {url}: {body}");
    serde_json::from_str(&body).unwrap()
}

/// Runs `fgs-local ARGS` to completion (with `stdin` piped in).
pub fn run(args: &[&str], stdin: Option<&[u8]>) -> Output {
    use std::io::Write;
    let mut child = Command::new(BIN)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    {
        let mut input = child.stdin.take().unwrap();
        if let Some(bytes) = stdin {
            input.write_all(bytes).unwrap();
        }
    }
    child.wait_with_output().unwrap()
}

/// Writes `text` as `dir/name` and returns the path.
pub fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}
