//! The host side of the `fgs-abi` contract: the per-store state, the `fgs_v1` imports, the
//! memory limiter, captured stdout/stderr, and the epoch callback that enforces timeouts and
//! the CPU share.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

// Call timing reads the TSC (quanta: ~10 ns) rather than the vDSO clock (~20-25 ns on the
// VMs we measure on); a warm call reads it twice.
use quanta::Instant;

use fgs_abi::InvocationType;
use parking_lot::Mutex;
use wasmtime::{Caller, Engine, Extern, Linker, ResourceLimiter, UpdateDeadline};
use wasmtime_wasi::p1::WasiP1Ctx;

use crate::engine::ExecInner;
use crate::error::{Error, Result};
use crate::spec::{Request, VersionSpec};

/// Bytes counted per table element against the memory cap (a pointer-sized slot).
pub(crate) const TABLE_ELEMENT_BYTES: u64 = 8;

/// What a sub-function call through the guest's `invoke` import returned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SubInvokeResult {
    /// The other function's result bytes.
    Ok(Vec<u8>),
    /// The other function ran and failed: its error message.
    FunctionError(String),
    /// The call could not be made: the reason (unknown function, throttled...).
    Failed(String),
}

/// The host side of a guest's `invoke` import (seed example 4.4): the runtime implements it by
/// resolving the URN and invoking synchronously. Called on the guest's thread, while the
/// calling instance is busy.
pub trait SubInvoker: Send + Sync {
    /// Invokes `urn` with `event` on behalf of the invocation described by `caller`.
    fn invoke(&self, caller: &fgs_abi::Context, urn: &str, event: &[u8]) -> SubInvokeResult;
}

/// Per-invocation facts from the caller.
#[derive(Debug, Clone, Default)]
pub(crate) struct RequestInfo {
    pub(crate) request_id: String,
    pub(crate) version_label: Option<String>,
    pub(crate) invocation_type: InvocationType,
    pub(crate) attempt: u32,
}

impl RequestInfo {
    /// The facts of `req`, copied.
    pub(crate) fn of(req: &Request<'_>) -> Self {
        RequestInfo {
            request_id: req.request_id.to_owned(),
            version_label: req.version_label.map(str::to_owned),
            invocation_type: req.invocation_type,
            attempt: req.attempt,
        }
    }

    /// Copies the facts of `req` into `self`, reusing its string buffers (no allocation on
    /// the warm path once the strings have grown to size).
    fn set(&mut self, req: &Request<'_>) {
        self.request_id.clear();
        self.request_id.push_str(req.request_id);
        match (&mut self.version_label, req.version_label) {
            (Some(mine), Some(label)) => {
                mine.clear();
                mine.push_str(label);
            }
            (mine, label) => *mine = label.map(str::to_owned),
        }
        self.invocation_type = req.invocation_type;
        self.attempt = req.attempt;
    }
}

/// The state of the call in progress on a store.
pub(crate) struct CallState {
    pub(crate) output: Option<Vec<u8>>,
    pub(crate) oversize: Option<usize>,
    pub(crate) started: Instant,
    pub(crate) start_epoch: u64,
    pub(crate) timeout: Duration,
    pub(crate) timeout_ticks: u64,
    pub(crate) timed_out: bool,
    pub(crate) cpu_share: Option<f64>,
    pub(crate) resumed_at: Instant,
    pub(crate) request: RequestInfo,
    pub(crate) invoke_response: Vec<u8>,
    /// The context JSON of this call, serialized on the guest's first `context` call and kept
    /// (buffer reused across calls) while the guest has not read all of it.
    context_json: Vec<u8>,
    context_pending: bool,
}

impl CallState {
    fn new() -> Self {
        let now = Instant::now();
        CallState {
            output: None,
            oversize: None,
            started: now,
            start_epoch: 0,
            timeout: Duration::MAX,
            timeout_ticks: u64::MAX,
            timed_out: false,
            cpu_share: None,
            resumed_at: now,
            request: RequestInfo::default(),
            invoke_response: Vec::new(),
            context_json: Vec::new(),
            context_pending: false,
        }
    }
}

/// A bounded byte buffer: the log keeps its newest bytes, a command's stdout its oldest.
pub(crate) struct CaptureBuffer {
    data: Vec<u8>,
    limit: usize,
    keep_tail: bool,
    total: usize,
}

impl CaptureBuffer {
    pub(crate) fn log(limit: usize) -> Self {
        CaptureBuffer {
            data: Vec::new(),
            limit,
            keep_tail: true,
            total: 0,
        }
    }

    pub(crate) fn head(limit: usize) -> Self {
        CaptureBuffer {
            data: Vec::new(),
            limit,
            keep_tail: false,
            total: 0,
        }
    }

    pub(crate) fn push(&mut self, bytes: &[u8]) {
        self.total += bytes.len();
        if self.keep_tail {
            self.data.extend_from_slice(bytes);
            if self.data.len() > 2 * self.limit {
                let cut = self.data.len() - self.limit;
                self.data.drain(..cut);
            }
        } else {
            let room = self.limit.saturating_sub(self.data.len());
            self.data.extend_from_slice(&bytes[..bytes.len().min(room)]);
        }
    }

    pub(crate) fn push_line(&mut self, line: &str) {
        self.push(line.as_bytes());
        if !line.ends_with('\n') {
            self.push(b"\n");
        }
    }

    /// Takes the contents (bounded) and whether bytes were dropped; the buffer is empty after.
    pub(crate) fn take(&mut self) -> (Vec<u8>, bool, usize) {
        let total = std::mem::take(&mut self.total);
        let mut data = std::mem::take(&mut self.data);
        if self.keep_tail && data.len() > self.limit {
            data.drain(..data.len() - self.limit);
        }
        let truncated = total > data.len();
        (data, truncated, total)
    }

    /// A copy of the contents, the buffer unchanged.
    pub(crate) fn peek(&self) -> Vec<u8> {
        self.data.clone()
    }

    pub(crate) fn clear(&mut self) {
        self.data.clear();
        self.total = 0;
    }
}

/// A [`CaptureBuffer`] shared with the guest's output streams, with a flag telling, without
/// taking the lock, whether anything locked it for writing since the last [`Self::take`]:
/// a warm call that logs nothing then costs no lock to collect its (empty) log.
pub(crate) struct SharedBuffer {
    buf: Mutex<CaptureBuffer>,
    touched: AtomicBool,
}

impl SharedBuffer {
    pub(crate) fn new(buf: CaptureBuffer) -> Self {
        SharedBuffer {
            buf: Mutex::new(buf),
            touched: AtomicBool::new(false),
        }
    }

    /// Locks the buffer (marking it touched).
    pub(crate) fn lock(&self) -> parking_lot::MutexGuard<'_, CaptureBuffer> {
        let guard = self.buf.lock();
        // Under the lock, so that it cannot be lost to a concurrent `take`'s reset.
        self.touched.store(true, Ordering::Relaxed);
        guard
    }

    /// True when nothing locked the buffer since the last `take`.
    pub(crate) fn untouched(&self) -> bool {
        !self.touched.load(Ordering::Relaxed)
    }

    /// Runs `f` on the buffer under its lock, then marks it untouched (for a `take`).
    pub(crate) fn take<R>(&self, f: impl FnOnce(&mut CaptureBuffer) -> R) -> R {
        let mut guard = self.buf.lock();
        let r = f(&mut guard);
        self.touched.store(false, Ordering::Relaxed);
        r
    }
}

/// Caps linear memories and tables of one store together at the function's `memory_size`.
pub(crate) struct MemoryLimiter {
    pub(crate) cap: u64,
    pub(crate) used: u64,
    pub(crate) hit: bool,
}

impl MemoryLimiter {
    fn grow(&mut self, current: u64, desired: u64) -> bool {
        let next = self.used + desired.saturating_sub(current);
        if next > self.cap {
            self.hit = true;
            return false;
        }
        self.used = next;
        true
    }
}

impl ResourceLimiter for MemoryLimiter {
    fn memory_growing(
        &mut self,
        current: usize,
        desired: usize,
        _maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        Ok(self.grow(current as u64, desired as u64))
    }

    fn table_growing(
        &mut self,
        current: usize,
        desired: usize,
        _maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        Ok(self.grow(
            current as u64 * TABLE_ELEMENT_BYTES,
            desired as u64 * TABLE_ELEMENT_BYTES,
        ))
    }
}

/// The data of every store the executor creates. Aligned to 128 bytes, which aligns the
/// store's whole allocation: stores used by different threads then never share a cache line
/// at their edges (each call writes the store's hot fields and this state).
#[repr(align(128))]
pub(crate) struct HostState {
    pub(crate) wasi: WasiP1Ctx,
    pub(crate) limiter: MemoryLimiter,
    pub(crate) log: Arc<SharedBuffer>,
    pub(crate) call: CallState,
    pub(crate) spec: Arc<VersionSpec>,
    /// The version's context JSON pieces.
    pub(crate) context: Arc<ContextTemplate>,
    pub(crate) exec: Arc<ExecInner>,
    /// The guest's `memory` export, cached once the instance exists.
    pub(crate) memory: Option<wasmtime::Memory>,
}

impl HostState {
    pub(crate) fn new(
        wasi: WasiP1Ctx,
        log: Arc<SharedBuffer>,
        spec: Arc<VersionSpec>,
        context: Arc<ContextTemplate>,
        exec: Arc<ExecInner>,
    ) -> Self {
        HostState {
            wasi,
            limiter: MemoryLimiter {
                cap: u64::from(spec.memory_size_mb) << 20,
                used: 0,
                hit: false,
            },
            log,
            call: CallState::new(),
            spec,
            context,
            exec,
            memory: None,
        }
    }

    /// Arms the call state for one call (handler, initializer or `_start`).
    pub(crate) fn begin(&mut self, timeout: Duration, request: Option<&Request<'_>>) {
        let exec = &self.exec;
        let now = Instant::now();
        let c = &mut self.call;
        // The tick count only changes with the timeout (handler vs initializer): no 128-bit
        // division on a warm call.
        if timeout != c.timeout || c.timeout_ticks == u64::MAX {
            let tick = exec.tick_len().as_nanos().max(1);
            c.timeout_ticks = timeout.as_nanos().div_ceil(tick).max(1) as u64;
        }
        c.output = None;
        c.oversize = None;
        c.started = now;
        c.resumed_at = now;
        c.start_epoch = exec.epoch_now();
        c.timeout = timeout;
        c.timed_out = false;
        c.cpu_share = if exec.settings.cpu_share {
            cpu_share(self.spec.cpu_millicores)
        } else {
            None
        };
        c.context_pending = false;
        if let Some(r) = request {
            c.request.set(r);
        }
        self.limiter.hit = false;
    }

    /// The epoch deadline to set before entering the guest.
    pub(crate) fn first_deadline(&self) -> u64 {
        if self.call.cpu_share.is_some() {
            1
        } else {
            self.call.timeout_ticks
        }
    }

    pub(crate) fn remaining(&self) -> Duration {
        let c = &self.call;
        if self.exec.manual() {
            let ticks = self.exec.epoch_now().saturating_sub(c.start_epoch);
            let used = self
                .exec
                .tick_len()
                .saturating_mul(ticks.min(u32::MAX as u64) as u32);
            c.timeout.saturating_sub(used)
        } else {
            c.timeout.saturating_sub(c.started.elapsed())
        }
    }

    pub(crate) fn context(&self) -> fgs_abi::Context {
        context_of(&self.spec, &self.call.request, self.remaining())
    }

    /// Writes the context JSON for the guest's `context(ptr, cap)` call: serialized (into a
    /// reused buffer, without copying the spec's fields) on the first call, kept for the sized
    /// second call when the guest's buffer was too small.
    fn write_context(
        caller: &mut Caller<'_, HostState>,
        ptr: i32,
        cap: i32,
    ) -> wasmtime::Result<i32> {
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

    /// The epoch callback: timeout check, then the CPU-share pause.
    fn on_epoch(&mut self) -> UpdateDeadline {
        let exec = &self.exec;
        let c = &mut self.call;
        let ticks = exec.epoch_now().saturating_sub(c.start_epoch);
        if ticks >= c.timeout_ticks && (exec.manual() || c.started.elapsed() >= c.timeout) {
            c.timed_out = true;
            return UpdateDeadline::Interrupt;
        }
        match c.cpu_share {
            Some(share) => {
                // Run `share` of wall time: having run `ran` since the last resume, pause for
                // ran * (1 - share) / share, never past the timeout.
                let ran = c.resumed_at.elapsed();
                let pause = ran.mul_f64((1.0 - share) / share);
                let left = c.timeout.saturating_sub(c.started.elapsed());
                if !exec.manual() && !pause.is_zero() {
                    std::thread::sleep(pause.min(left));
                }
                c.resumed_at = Instant::now();
                UpdateDeadline::Continue(1)
            }
            None => UpdateDeadline::Continue(c.timeout_ticks.saturating_sub(ticks).max(1)),
        }
    }
}

/// The context a guest sees for `request` on a version.
pub(crate) fn context_of(
    spec: &VersionSpec,
    r: &RequestInfo,
    remaining: Duration,
) -> fgs_abi::Context {
    fgs_abi::Context {
        request_id: r.request_id.clone(),
        function_name: spec.function_name.clone(),
        package: spec.package.clone(),
        version: r
            .version_label
            .clone()
            .unwrap_or_else(|| spec.version.clone()),
        memory_size: spec.memory_size_mb,
        cpu: spec.cpu_millicores,
        timeout: spec.timeout.as_secs().min(u32::MAX as u64) as u32,
        remaining_time_ms: remaining.as_millis().min(u64::MAX as u128) as u64,
        user_data: spec.user_data.clone(),
        project_id: spec.project_id.clone(),
        invocation_type: r.invocation_type,
        attempt: r.attempt.max(1),
    }
}

/// The JSON of the guest's [`fgs_abi::Context`] (the same fields, order and encodings as
/// serializing it) with the version's fixed fields serialized once per version: a call
/// writes only its request's facts between the pieces.
pub(crate) struct ContextTemplate {
    /// `,"function_name":…,"package":…,"version":`
    head: Vec<u8>,
    /// The version's own name, for a call without a label.
    version: Vec<u8>,
    /// `,"memory_size":…,"cpu":…,"timeout":…,"remaining_time_ms":`
    mid: Vec<u8>,
    /// `,"user_data":{…},"project_id":…,"invocation_type":`
    tail: Vec<u8>,
}

impl ContextTemplate {
    pub(crate) fn of(spec: &VersionSpec) -> Self {
        let mut head = br#","function_name":"#.to_vec();
        json_into(&mut head, spec.function_name.as_str());
        head.extend_from_slice(br#","package":"#);
        json_into(&mut head, spec.package.as_str());
        head.extend_from_slice(br#","version":"#);
        let mut version = Vec::new();
        json_into(&mut version, spec.version.as_str());
        let timeout = spec.timeout.as_secs().min(u64::from(u32::MAX));
        let mid = format!(
            r#","memory_size":{},"cpu":{},"timeout":{timeout},"remaining_time_ms":"#,
            spec.memory_size_mb, spec.cpu_millicores
        )
        .into_bytes();
        let mut tail = br#","user_data":"#.to_vec();
        json_into(&mut tail, &spec.user_data);
        tail.extend_from_slice(br#","project_id":"#);
        json_into(&mut tail, spec.project_id.as_str());
        tail.extend_from_slice(br#","invocation_type":"#);
        ContextTemplate {
            head,
            version,
            mid,
            tail,
        }
    }

    /// Appends the context of request `r` with `remaining` time to `out`.
    fn write(&self, out: &mut Vec<u8>, r: &RequestInfo, remaining: Duration) {
        out.extend_from_slice(br#"{"request_id":"#);
        json_into(out, r.request_id.as_str());
        out.extend_from_slice(&self.head);
        match &r.version_label {
            Some(label) => json_into(out, label.as_str()),
            None => out.extend_from_slice(&self.version),
        }
        out.extend_from_slice(&self.mid);
        let remaining_ms = remaining.as_millis().min(u128::from(u64::MAX));
        out.extend_from_slice(remaining_ms.to_string().as_bytes());
        out.extend_from_slice(&self.tail);
        json_into(out, &r.invocation_type);
        out.extend_from_slice(format!(r#","attempt":{}}}"#, r.attempt.max(1)).as_bytes());
    }
}

/// Appends the JSON of `value` (strings, string maps, enums: serializing them cannot fail).
fn json_into(out: &mut Vec<u8>, value: &(impl serde::Serialize + ?Sized)) {
    if let Err(e) = serde_json::to_writer(&mut *out, value) {
        tracing::error!("cannot serialize the guest context: {e}");
    }
}

/// The CPU share of `millicores`: one instance runs on one thread, so 1000 millicores (one
/// core) or more is no throttling.
pub(crate) fn cpu_share(millicores: u32) -> Option<f64> {
    if millicores == 0 || millicores >= 1000 {
        None
    } else {
        Some(f64::from(millicores) / 1000.0)
    }
}

/// Sets up a fresh store: limiter and epoch callback.
pub(crate) fn configure_store(store: &mut wasmtime::Store<HostState>) {
    store.limiter(|s| &mut s.limiter);
    store.epoch_deadline_callback(|mut ctx| Ok(ctx.data_mut().on_epoch()));
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
                let limit = caller.data().exec.settings.max_result_bytes;
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
                HostState::write_context(&mut caller, ptr, cap)
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
                let invoker = caller.data().exec.invoker.read().clone();
                let (status, response) = match invoker {
                    None => (
                        fgs_abi::INVOKE_FAILED,
                        b"no sub-function invoker is configured".to_vec(),
                    ),
                    Some(inv) => {
                        let ctx = caller.data().context();
                        match inv.invoke(&ctx, &urn, &event) {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_context_template_writes_the_abi_context() {
        let mut spec = VersionSpec::new("f\"n", "index.handler")
            .with_user_data("K", "v\u{e9}")
            .with_user_data("A", "1\n\"two\"")
            .with_version("v<1>");
        spec.project_id = "p\\id".into();
        spec.package = "pk\u{1}g".into();
        let template = ContextTemplate::of(&spec);
        for (label, ty, attempt) in [
            (None, InvocationType::Sync, 0),
            (Some("alias-1".to_string()), InvocationType::Async, 3),
        ] {
            let r = RequestInfo {
                request_id: "req\n1".into(),
                version_label: label,
                invocation_type: ty,
                attempt,
            };
            let remaining = Duration::from_millis(1234);
            let mut ours = b"stale".to_vec();
            ours.clear();
            template.write(&mut ours, &r, remaining);
            let abi = serde_json::to_vec(&context_of(&spec, &r, remaining)).unwrap();
            assert_eq!(
                String::from_utf8(ours).unwrap(),
                String::from_utf8(abi).unwrap()
            );
        }
    }
}
