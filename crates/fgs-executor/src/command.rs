//! WASI commands (DESIGN §3, kind 2): a new instance per invocation, the event on stdin, the
//! result on stdout, the context in environment variables, exit code != 0 a function error.

use std::sync::Arc;
use std::time::Instant;

use wasmtime::InstancePre;
use wasmtime_wasi::I32Exit;
use wasmtime_wasi::p2::pipe::MemoryInputPipe;

use crate::capture::CaptureStream;
use crate::error::{Error, Result};
use crate::host::{CaptureBuffer, HostState, RequestInfo, SharedBuffer, context_of};
use crate::outcome::{Invocation, Outcome, billed, tail};
use crate::pool::{VersionInner, classify, lossy};
use crate::spec::Request;

pub(crate) fn invoke(
    version: &VersionInner,
    pre: &InstancePre<HostState>,
    req: &Request<'_>,
) -> Result<Invocation> {
    let spec = version.spec();
    let settings = &version.exec().settings;
    let request = RequestInfo::of(req);
    let ctx = context_of(spec, &request, spec.timeout);
    let ctx_json = serde_json::to_string(&ctx).unwrap_or_default();
    let log = Arc::new(SharedBuffer::new(CaptureBuffer::log(settings.log_limit)));
    let out = Arc::new(SharedBuffer::new(CaptureBuffer::head(
        settings.max_result_bytes.saturating_add(1),
    )));
    let env = [
        (
            fgs_abi::ENV_REQUEST_ID.to_string(),
            req.request_id.to_owned(),
        ),
        (fgs_abi::ENV_CONTEXT.to_string(), ctx_json),
    ];
    let mut wasi = version.wasi(&log, &env);
    wasi.stdin(MemoryInputPipe::new(req.event.to_vec()))
        .stdout(CaptureStream(out.clone()));
    let mut store = version.new_store(wasi.build_p1(), log.clone());
    store.data_mut().begin(spec.call_timeout(req), Some(req));
    let deadline = store.data().first_deadline();
    store.set_epoch_deadline(deadline);
    let t0 = Instant::now();
    let run = pre.instantiate(&mut store).and_then(|instance| {
        let start = instance.get_typed_func::<(), ()>(&mut store, fgs_abi::EXPORT_START)?;
        start.call(&mut store, ())
    });
    let duration = t0.elapsed();
    version.count_command_instance();
    let exit = match &run {
        Ok(()) => Some(0),
        Err(e) => e.downcast_ref::<I32Exit>().map(|x| x.0),
    };
    let outcome = match (exit, &run) {
        (Some(0), _) => {
            let (bytes, truncated, total) = out.lock().take();
            if truncated || total > settings.max_result_bytes {
                Outcome::ResultTooLarge {
                    size: total,
                    limit: settings.max_result_bytes,
                }
            } else {
                Outcome::Success(bytes)
            }
        }
        (Some(code), _) => {
            let stderr = String::from_utf8_lossy(&log.lock().peek()).into_owned();
            Outcome::FunctionError {
                message: format!("exit code {code}: {}", tail(stderr.trim_end(), 1024)),
            }
        }
        (None, Err(e)) => {
            if e.downcast_ref::<wasmtime::Trap>().is_none()
                && !store.data().limiter.hit
                && !store.data().call.timed_out
                && store.data().limiter.used == 0
            {
                return Err(Error::Instantiate {
                    function: spec.function_name.clone(),
                    message: format!("{e:#}"),
                });
            }
            classify(e, store.data())
        }
        (None, Ok(())) => Outcome::Success(Vec::new()),
    };
    let (log_text, log_truncated) = {
        let mut buf = log.lock();
        if !outcome.keeps_instance() {
            buf.push_line(&outcome.to_string());
        }
        let (bytes, truncated, _) = buf.take();
        (lossy(bytes), truncated)
    };
    Ok(Invocation {
        duration,
        billed_duration: billed(duration),
        max_memory_bytes: store.data().limiter.used,
        log: log_text,
        log_truncated,
        cold_start: true,
        init_duration: None,
        instance_id: version.next_instance_id(),
        outcome,
    })
}
