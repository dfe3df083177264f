//! WASI commands (DESIGN §3, kind 2): a new instance per invocation, the event on stdin, the
//! result on stdout, the context in environment variables, exit code != 0 a function error.

use std::sync::Arc;
use std::time::Instant;

use wasmtime::InstancePre;
use wasmtime_wasi::I32Exit;
use wasmtime_wasi::p2::pipe::MemoryInputPipe;

use crate::buffer::{CaptureBuffer, SharedBuffer, lossy};
use crate::capture::CaptureStream;
use crate::context::{RequestInfo, context_of};
use crate::error::{Error, Result};
use crate::outcome::{Invocation, Outcome, billed, tail};
use crate::spec::Request;
use crate::state::{HostState, classify};
use crate::store::StoreBuilder;

/// Runs one invocation of a WASI command on a new instance.
pub(crate) fn invoke(
    stores: &StoreBuilder,
    pre: &InstancePre<HostState>,
    req: &Request<'_>,
) -> Result<Invocation> {
    let spec = &stores.spec;
    let settings = &stores.shared.settings;
    let request = RequestInfo::of(req);
    let ctx = context_of(spec, &request, spec.timeout);
    let ctx_json = serde_json::to_string(&ctx).unwrap_or_default();
    let log = stores.log();
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
    let mut wasi = stores.wasi(&log, &env);
    wasi.stdin(MemoryInputPipe::new(req.event.to_vec()))
        .stdout(CaptureStream(out.clone()));
    let mut store = stores.store(wasi.build_p1(), log.clone());
    store.data_mut().begin(spec.call_timeout(req), Some(req));
    let deadline = store.data().first_deadline();
    store.set_epoch_deadline(deadline);
    let t0 = Instant::now();
    let run = pre.instantiate(&mut store).and_then(|instance| {
        let start = instance.get_typed_func::<(), ()>(&mut store, fgs_abi::EXPORT_START)?;
        start.call(&mut store, ())
    });
    let duration = t0.elapsed();
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
        instance_id: stores.shared.next_instance_id(),
        outcome,
    })
}
