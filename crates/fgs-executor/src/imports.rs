//! The host side of the `fgs-abi` imports (`fgs_v1`: `output`, `log`, `remaining_time_ms`,
//! `context`, `invoke`, `invoke_response`) and the linker every handler module is linked with
//! (WASI preview 1 plus these).

use wasmtime::{Caller, Engine, Extern, Linker};

use crate::error::{Error, Result};
use crate::invoker::SubInvokeResult;
use crate::state::HostState;

/// Writes the context JSON for the guest's `context(ptr, cap)` call: serialized (into a
/// reused buffer, without copying the spec's fields) on the first call, kept for the sized
/// second call when the guest's buffer was too small.
fn write_context(caller: &mut Caller<'_, HostState>, ptr: i32, cap: i32) -> wasmtime::Result<i32> {
    let state = caller.data_mut();
    if !state.call.context_pending {
        let remaining = state.remaining();
        let mut json = std::mem::take(&mut state.call.context_json);
        json.clear();
        state
            .context
            .write(&mut json, &state.call.request, remaining);
        state.call.context_json = json;
    }
    let json = std::mem::take(&mut caller.data_mut().call.context_json);
    let n = write_capped(caller, ptr, cap, &json);
    let c = &mut caller.data_mut().call;
    c.context_json = json;
    let n = n?;
    c.context_pending = (n as usize) > cap.max(0) as usize;
    Ok(n)
}

fn memory(caller: &mut Caller<'_, HostState>) -> wasmtime::Result<wasmtime::Memory> {
    if let Some(m) = caller.data().memory {
        return Ok(m);
    }
    match caller.get_export(fgs_abi::EXPORT_MEMORY) {
        Some(Extern::Memory(m)) => Ok(m),
        _ => Err(wasmtime::format_err!(
            "guest exports no memory named `memory`"
        )),
    }
}

fn read(caller: &mut Caller<'_, HostState>, ptr: i32, len: i32) -> wasmtime::Result<Vec<u8>> {
    let mem = memory(caller)?;
    let start = ptr as u32 as usize;
    let end = start.saturating_add(len as u32 as usize);
    mem.data(&*caller)
        .get(start..end)
        .map(<[u8]>::to_vec)
        .ok_or_else(|| wasmtime::format_err!("guest buffer {start}..{end} is out of bounds"))
}

fn write_capped(
    caller: &mut Caller<'_, HostState>,
    ptr: i32,
    cap: i32,
    bytes: &[u8],
) -> wasmtime::Result<i32> {
    let n = bytes.len().min(cap.max(0) as usize);
    if n > 0 {
        let mem = memory(caller)?;
        mem.write(&mut *caller, ptr as u32 as usize, &bytes[..n])
            .map_err(|_| wasmtime::format_err!("guest buffer at {ptr} is out of bounds"))?;
    }
    Ok(i32::try_from(bytes.len()).unwrap_or(i32::MAX))
}

/// The linker shared by every version: WASI preview 1 plus the `fgs_v1` imports.
pub(crate) fn linker(engine: &Engine) -> Result<Linker<HostState>> {
    let mut linker: Linker<HostState> = Linker::new(engine);
    let err = |e: wasmtime::Error| Error::Engine {
        message: format!("{e:#}"),
    };
    wasmtime_wasi::p1::add_to_linker_sync(&mut linker, |s: &mut HostState| &mut s.wasi)
        .map_err(err)?;
    let m = fgs_abi::IMPORT_MODULE;
    linker
        .func_wrap(
            m,
            fgs_abi::IMPORT_OUTPUT,
            |mut caller: Caller<'_, HostState>, ptr: i32, len: i32| -> wasmtime::Result<()> {
                let limit = caller.data().shared.settings.max_result_bytes;
                let size = len as u32 as usize;
                if size > limit {
                    let c = &mut caller.data_mut().call;
                    c.output = None;
                    c.oversize = Some(size);
                    return Ok(());
                }
                let bytes = read(&mut caller, ptr, len)?;
                let c = &mut caller.data_mut().call;
                c.output = Some(bytes);
                c.oversize = None;
                Ok(())
            },
        )
        .map_err(err)?;
    linker
        .func_wrap(
            m,
            fgs_abi::IMPORT_LOG,
            |mut caller: Caller<'_, HostState>, ptr: i32, len: i32| -> wasmtime::Result<()> {
                let bytes = read(&mut caller, ptr, len)?;
                caller
                    .data()
                    .log
                    .lock()
                    .push_line(&String::from_utf8_lossy(&bytes));
                Ok(())
            },
        )
        .map_err(err)?;
    linker
        .func_wrap(
            m,
            fgs_abi::IMPORT_REMAINING_TIME,
            |caller: Caller<'_, HostState>| -> i64 {
                caller.data().remaining().as_millis().min(i64::MAX as u128) as i64
            },
        )
        .map_err(err)?;
    linker
        .func_wrap(
            m,
            fgs_abi::IMPORT_CONTEXT,
            |mut caller: Caller<'_, HostState>, ptr: i32, cap: i32| -> wasmtime::Result<i32> {
                write_context(&mut caller, ptr, cap)
            },
        )
        .map_err(err)?;
    linker
        .func_wrap(
            m,
            fgs_abi::IMPORT_INVOKE,
            |mut caller: Caller<'_, HostState>,
             urn_ptr: i32,
             urn_len: i32,
             ev_ptr: i32,
             ev_len: i32|
             -> wasmtime::Result<i32> {
                let urn = read(&mut caller, urn_ptr, urn_len)?;
                let event = read(&mut caller, ev_ptr, ev_len)?;
                let urn = String::from_utf8_lossy(&urn).into_owned();
                let invoker = caller.data().shared.invoker.read().clone();
                let (status, response) = match invoker {
                    None => (
                        fgs_abi::INVOKE_FAILED,
                        b"no sub-function invoker is configured".to_vec(),
                    ),
                    Some(inv) => {
                        let ctx = caller.data().context();
                        // Another whole invocation: off an async worker.
                        let on_worker = caller.data().on_worker;
                        match crate::worker::off_worker(on_worker, || {
                            inv.invoke(&ctx, &urn, &event)
                        }) {
                            SubInvokeResult::Ok(b) => (fgs_abi::INVOKE_OK, b),
                            SubInvokeResult::FunctionError(m) => {
                                (fgs_abi::INVOKE_FUNCTION_ERROR, m.into_bytes())
                            }
                            SubInvokeResult::Failed(m) => (fgs_abi::INVOKE_FAILED, m.into_bytes()),
                        }
                    }
                };
                caller.data_mut().call.invoke_response = response;
                Ok(status)
            },
        )
        .map_err(err)?;
    linker
        .func_wrap(
            m,
            fgs_abi::IMPORT_INVOKE_RESPONSE,
            |mut caller: Caller<'_, HostState>, ptr: i32, cap: i32| -> wasmtime::Result<i32> {
                let bytes = std::mem::take(&mut caller.data_mut().call.invoke_response);
                let n = write_capped(&mut caller, ptr, cap, &bytes)?;
                if (n as usize) > cap.max(0) as usize {
                    // Not fully read yet: keep it for the sized second call.
                    caller.data_mut().call.invoke_response = bytes;
                }
                Ok(n)
            },
        )
        .map_err(err)?;
    Ok(linker)
}
