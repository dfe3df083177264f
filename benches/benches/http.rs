//! The HTTP line of issue 9: sync invoke of the `echo` fixture over loopback HTTP/1.1 with
//! keep-alive, at 1 and 64 concurrent connections, through the `fgs-http` router served on a
//! tokio listener (as `fgs-local serve` serves it), beside a baseline in the same run: a
//! minimal hyper server running the same module with raw wasmtime, one reused instance per
//! connection (`http/baseline.rs`). The load generator is this bench's own hyper client
//! (`http/load.rs`): bounded count and time, loopback only. Then the management path:
//! create-function and get-config requests per second through the router.
//!
//! `cargo bench -p fgs-benches --bench http`. Each line is the median of
//! `FGS_HTTP_ROUNDS` rounds (default 9; at most 5 for the management lines) of
//! `FGS_HTTP_SECS` seconds (default 2) each; `FGS_HTTP_CONNS` lists the connection counts
//! (default `1,64`), `FGS_HTTP_PAIRS=1` prints every pair of rounds, `FGS_HTTP_MGMT=0`
//! skips the management lines, `FGS_HTTP_LOG=1` logs each invocation as `fgs-local serve`
//! does (run with `2>/dev/null` or `2>FILE`). The rounds come in pairs, one of the baseline
//! and one of ours back to back (which goes first alternates); each ratio is the median of
//! the pairs' own ratios. Servers run on a 2-worker tokio runtime, the load generator on its own
//! 2-worker runtime: on a 2-core machine both share the cores, as an external load tool would.
#![allow(missing_docs)]

#[path = "http/baseline.rs"]
mod baseline;
#[path = "http/fgs.rs"]
mod fgs;
#[path = "http/load.rs"]
mod load;
#[path = "http/mgmt.rs"]
mod mgmt;
// The log format and writer of `fgs-local serve` (a binary crate), for `FGS_HTTP_LOG`.
// Benches build with `cfg(test)`: their tests compile here without running, hence the allow.
#[allow(unused)]
#[path = "../../crates/fgs-cli/src/log_format.rs"]
mod log_format;
#[allow(unused)]
#[path = "../../crates/fgs-cli/src/log_writer.rs"]
mod log_writer;

use std::time::Duration;

use fgs_benches::{EVENT, fixture, fixture_function, raw_linker};
use fgs_executor::Executor;
use fgs_runtime::{Emulator, Platform};
use load::{Bound, Figures, Plan};

fn env_or(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// A comma-separated list of numbers in `name`, else `default`.
fn env_list(name: &str, default: &[usize]) -> Vec<usize> {
    std::env::var(name)
        .ok()
        .map(|v| {
            v.split(',')
                .filter_map(|n| n.trim().parse().ok())
                .collect::<Vec<_>>()
        })
        .filter(|v| !v.is_empty())
        .unwrap_or_else(|| default.to_vec())
}

fn runtime(name: &str) -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name(name)
        .enable_all()
        .build()
        .unwrap()
}

fn median_of(mut v: Vec<Figures>) -> (Figures, f64, f64) {
    v.sort_by(|a, b| a.per_sec.total_cmp(&b.per_sec));
    let (lo, hi) = (v[0].per_sec, v[v.len() - 1].per_sec);
    let mid = v[v.len() / 2];
    let mut p50: Vec<_> = v.iter().map(|f| f.p50).collect();
    let mut p99: Vec<_> = v.iter().map(|f| f.p99).collect();
    p50.sort();
    p99.sort();
    let m = Figures {
        p50: p50[p50.len() / 2],
        p99: p99[p99.len() / 2],
        ..mid
    };
    (m, lo, hi)
}

fn us(d: Duration) -> f64 {
    d.as_secs_f64() * 1e6
}

fn line(what: &str, conns: usize, f: &Figures, lo: f64, hi: f64) {
    println!(
        "fgs-bench http {what:<10} conns {conns:>3}  {:>9.0} req/s ({lo:.0}-{hi:.0})  p50 {:>7.1} us  p99 {:>7.1} us  ({} requests)",
        f.per_sec,
        us(f.p50),
        us(f.p99),
        f.requests
    );
}

fn main() {
    // `FGS_HTTP_LOG=1`: what `fgs-local serve` installs (its `init_logging`), one line per
    // invocation to standard error through its buffered writer; `FGS_HTTP_LOG=2`: the same
    // lines written straight to standard error, a write per line (for comparison).
    let log = env_or("FGS_HTTP_LOG", 0);
    let _log = (log != 0).then(|| {
        let fmt = tracing_subscriber::fmt()
            .with_env_filter(tracing_subscriber::EnvFilter::new(
                "info,wasmtime=warn,cranelift=warn",
            ))
            .event_format(log_format::LineFormat { ansi: false });
        if log == 1 {
            let writer = log_writer::LogWriter::new(std::io::stderr()).unwrap();
            let _ = fmt.with_writer(writer.make_writer()).try_init();
            Some(writer)
        } else {
            let _ = fmt.with_writer(std::io::stderr).try_init();
            None
        }
    });
    let rounds = env_or("FGS_HTTP_ROUNDS", 9).max(1) as usize;
    let secs = Duration::from_millis(env_or("FGS_HTTP_SECS", 2) * 1000);
    let server_rt = runtime("bench-server");
    let client_rt = runtime("bench-load");

    // Baseline: raw wasmtime on the executor's engine settings, as the invoke bench's raw lines.
    let exec = Executor::builder().build().unwrap();
    let linker = raw_linker(exec.engine());
    let module = wasmtime::Module::new(exec.engine(), fixture("echo")).unwrap();
    let pre = linker.instantiate_pre(&module).unwrap();
    let base_addr = server_rt.block_on(baseline::start(pre));

    // Ours: the platform `fgs-local serve` builds, with the echo fixture deployed.
    let platform = Platform::new(Emulator::builder()).unwrap();
    // The create line spreads its functions over projects of 400 (the function quota).
    platform.set_max_projects(usize::MAX);
    let emu = platform.default_project();
    let echo = fixture_function("echo", "echo");
    let file = echo["func_code"]["file"].as_str().unwrap().to_owned();
    let created = emu
        .create_function(serde_json::from_value(echo).unwrap())
        .unwrap();
    let urn = created.func_urn.clone();
    let ours_addr = server_rt.block_on(fgs::start(platform.clone(), urn.clone()));
    let path = format!(
        "/v2/{}/fgs/functions/{}/invocations",
        emu.project_id(),
        urn.replace(':', "%3A")
    );
    let plan = Plan::fixed_post(&path, EVENT, Some(EVENT));

    println!(
        "fgs-bench http: sync invoke of echo, {} rounds of {:?} per line, 100-byte event",
        rounds, secs
    );
    for conns in env_list("FGS_HTTP_CONNS", &[1, 64]) {
        let warm = Bound {
            count: 2_000 * conns as u64,
            time: Duration::from_millis(300),
        };
        let measure = Bound {
            count: 2_000_000,
            time: secs,
        };
        let (mut base, mut ours) = (Vec::new(), Vec::new());
        let run = |addr| client_rt.block_on(load::run(addr, conns, &plan, warm, measure));
        for round in 0..rounds {
            // Which server goes first alternates, so neither gains from its position.
            if round % 2 == 0 {
                base.push(run(base_addr));
                ours.push(run(ours_addr));
            } else {
                ours.push(run(ours_addr));
                base.push(run(base_addr));
            }
        }
        // The two rounds of a pair run back to back, under the same machine state: the
        // ratio is the median of the pairs' own ratios. (A 2-vCPU VM can run a whole round at
        // half speed, for either server: see benches/README.md.)
        let paired = |f: fn(&Figures) -> f64| {
            let mut r: Vec<f64> = base.iter().zip(&ours).map(|(b, o)| f(o) / f(b)).collect();
            r.sort_by(f64::total_cmp);
            r[r.len() / 2]
        };
        if std::env::var_os("FGS_HTTP_PAIRS").is_some() {
            // Each pair on its own line: the 1-connection mode of each round shows.
            for (b, o) in base.iter().zip(&ours) {
                println!(
                    "fgs-bench http pair       conns {conns:>3}  baseline {:>6.0} req/s p50 {:>5.1} us  {} {:>6.0} req/s p50 {:>5.1} us",
                    b.per_sec,
                    us(b.p50),
                    fgs::LABEL,
                    o.per_sec,
                    us(o.p50)
                );
            }
        }
        let per_sec = paired(|f| f.per_sec);
        let p50 = paired(|f| us(f.p50));
        let p99 = paired(|f| us(f.p99));
        let (b, blo, bhi) = median_of(base);
        let (o, olo, ohi) = median_of(ours);
        line("baseline", conns, &b, blo, bhi);
        line(fgs::LABEL, conns, &o, olo, ohi);
        println!(
            "fgs-bench http ratio      conns {conns:>3}  req/s {per_sec:.2}x (target >= 0.80x)  p50 {p50:.2}x (target <= 1.25x)  p99 {p99:.2}x  (medians of the rounds' ratios)",
        );
    }
    if fgs::HAS_ROUTER && env_or("FGS_HTTP_MGMT", 1) != 0 {
        let config = format!(
            "/v2/{}/fgs/functions/{}/config",
            emu.project_id(),
            urn.replace(':', "%3A")
        );
        // At most 5 rounds: each create keeps a function (and its code) to the end.
        let rounds = rounds.min(5);
        println!("fgs-bench http: management path, {rounds} rounds of {secs:?} per line");
        mgmt::run(&client_rt, ours_addr, config, &file, rounds, secs);
    }
    drop(client_rt);
    server_rt.shutdown_timeout(Duration::from_secs(1));
}
