//! `fgs-local invoke`: one call through the REST API (seed §5.1.1, §5.1.2). The result goes
//! to standard output, the log tail (`--log`) to standard error; the exit status is 0 for a
//! success, 1 for a function error (or any non-2xx answer), 2 when the call could not be
//! made.

use std::io::{Read, Write};
use std::process::ExitCode;

use anyhow::{Context as _, Result};
use base64::Engine as _;
use serde_json::Value;

use crate::client::{Client, seg};
use crate::flags::InvokeArgs;

pub fn run(args: InvokeArgs) -> Result<ExitCode> {
    let event = read_event(args.event.as_deref())?;
    let urn = match (&args.version, &args.alias) {
        (Some(v), _) => format!("{}:{v}", args.function),
        (_, Some(a)) => format!("{}:!{a}", args.function),
        _ => args.function.clone(),
    };
    let client = Client::new(&args.endpoint);
    if args.is_async {
        let reply = client.send(
            "POST",
            &format!("/functions/{}/invocations-async", seg(&urn)),
            Some(event),
            &[],
        )?;
        let ok = reply.ok();
        let v = reply.expect(&format!("async invoke of {urn}"))?;
        println!(
            "{}",
            v.get("request_id").and_then(Value::as_str).unwrap_or("")
        );
        return Ok(if ok {
            ExitCode::SUCCESS
        } else {
            ExitCode::FAILURE
        });
    }
    let mut headers = vec![("X-CFF-Request-Version", "v1")];
    if args.log {
        headers.push(("X-Cff-Log-Type", "tail"));
    }
    let reply = client.send(
        "POST",
        &format!("/functions/{}/invocations", seg(&urn)),
        Some(event),
        &headers,
    )?;
    let v = reply.json().unwrap_or(Value::Null);
    if args.log
        && let Some(id) = &reply.request_id
    {
        eprintln!("request id: {id}");
    }
    if args.log
        && let Some(log) = v.get("log").and_then(Value::as_str)
    {
        let text = base64::engine::general_purpose::STANDARD
            .decode(log)
            .map(|b| String::from_utf8_lossy(&b).into_owned())
            .unwrap_or_else(|_| log.to_owned());
        eprint!("{text}");
        if !text.is_empty() && !text.ends_with('\n') {
            eprintln!();
        }
    }
    if reply.ok() {
        let result = v.get("result").and_then(Value::as_str).unwrap_or("");
        let mut out = std::io::stdout().lock();
        out.write_all(result.as_bytes())?;
        out.write_all(b"\n")?;
        return Ok(ExitCode::SUCCESS);
    }
    let code = v.get("error_code").and_then(Value::as_str).unwrap_or("");
    let msg = v
        .get("error_msg")
        .and_then(Value::as_str)
        .map(str::to_owned)
        .unwrap_or_else(|| String::from_utf8_lossy(&reply.body).into_owned());
    eprintln!("{urn}: {} {code}: {msg}", reply.status);
    Ok(ExitCode::FAILURE)
}

/// The event bytes: a file, standard input (`-`), or `{}`.
fn read_event(path: Option<&std::path::Path>) -> Result<Vec<u8>> {
    match path {
        None => Ok(b"{}".to_vec()),
        Some(p) if p.as_os_str() == "-" => {
            let mut buf = Vec::new();
            std::io::stdin()
                .read_to_end(&mut buf)
                .context("cannot read the event from standard input")?;
            Ok(buf)
        }
        Some(p) => {
            std::fs::read(p).with_context(|| format!("cannot read the event file {}", p.display()))
        }
    }
}
