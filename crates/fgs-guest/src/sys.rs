//! The raw host boundary: the `fgs_v1` imports and the event buffer. Every `unsafe` of the SDK
//! outside the export macros is here, each with its SAFETY comment.
#![allow(unsafe_code)]

#[cfg(target_family = "wasm")]
mod imports {
    #[link(wasm_import_module = "fgs_v1")]
    unsafe extern "C" {
        pub safe fn remaining_time_ms() -> i64;
        pub fn output(ptr: *const u8, len: usize);
        pub fn log(ptr: *const u8, len: usize);
        pub fn context(ptr: *mut u8, cap: usize) -> i32;
        pub fn invoke(urn: *const u8, urn_len: usize, event: *const u8, event_len: usize) -> i32;
        pub fn invoke_response(ptr: *mut u8, cap: usize) -> i32;
    }
}

/// Allocates `len` bytes for the host to write the event into; ownership passes back to the
/// guest in [`take_event`].
pub fn alloc(len: i32) -> i32 {
    let len = len.max(0) as usize;
    let mut buf = std::mem::ManuallyDrop::new(Vec::<u8>::with_capacity(len));
    buf.as_mut_ptr() as usize as i32
}

/// Takes back the buffer [`alloc`] returned, now holding `len` bytes of event.
///
/// # Safety
/// `ptr` must come from `alloc(len)` with the same `len`, be filled with `len` bytes, and be
/// taken once.
pub unsafe fn take_event(ptr: i32, len: i32) -> Vec<u8> {
    let len = len.max(0) as usize;
    // SAFETY: per this function's contract the pointer is a `Vec<u8>` allocation of exactly
    // `len` capacity (`Vec::with_capacity` allocates exactly the requested capacity) and the
    // host initialised all `len` bytes.
    unsafe { Vec::from_raw_parts(ptr as usize as *mut u8, len, len) }
}

/// Reads a host buffer through a `(ptr, cap) -> len` import: sizes it, then copies it.
pub fn read_buffer(f: fn(&mut [u8]) -> usize) -> Vec<u8> {
    let mut buf = vec![0u8; 256];
    let len = f(&mut buf);
    if len > buf.len() {
        buf.resize(len, 0);
        let again = f(&mut buf);
        buf.truncate(again.min(len));
    } else {
        buf.truncate(len);
    }
    buf
}

#[cfg(target_family = "wasm")]
pub fn remaining_time_ms() -> i64 {
    imports::remaining_time_ms()
}

#[cfg(target_family = "wasm")]
pub fn output(bytes: &[u8]) {
    // SAFETY: the host only reads `len` bytes at `ptr`, which is a live slice.
    unsafe { imports::output(bytes.as_ptr(), bytes.len()) }
}

#[cfg(target_family = "wasm")]
pub fn log(bytes: &[u8]) {
    // SAFETY: the host only reads `len` bytes at `ptr`, which is a live slice.
    unsafe { imports::log(bytes.as_ptr(), bytes.len()) }
}

#[cfg(target_family = "wasm")]
pub fn context(buf: &mut [u8]) -> usize {
    // SAFETY: the host writes at most `cap` bytes at `ptr`, a live mutable slice of that length.
    unsafe { imports::context(buf.as_mut_ptr(), buf.len()).max(0) as usize }
}

#[cfg(target_family = "wasm")]
pub fn invoke(urn: &[u8], event: &[u8]) -> i32 {
    // SAFETY: the host only reads the two live slices.
    unsafe { imports::invoke(urn.as_ptr(), urn.len(), event.as_ptr(), event.len()) }
}

#[cfg(target_family = "wasm")]
pub fn invoke_response(buf: &mut [u8]) -> usize {
    // SAFETY: the host writes at most `cap` bytes at `ptr`, a live mutable slice of that length.
    unsafe { imports::invoke_response(buf.as_mut_ptr(), buf.len()).max(0) as usize }
}

#[cfg(not(target_family = "wasm"))]
pub fn remaining_time_ms() -> i64 {
    i64::MAX
}

#[cfg(not(target_family = "wasm"))]
pub fn output(_bytes: &[u8]) {}

#[cfg(not(target_family = "wasm"))]
pub fn log(bytes: &[u8]) {
    eprintln!("{}", String::from_utf8_lossy(bytes));
}

#[cfg(not(target_family = "wasm"))]
pub fn context(_buf: &mut [u8]) -> usize {
    0
}

#[cfg(not(target_family = "wasm"))]
pub fn invoke(_urn: &[u8], _event: &[u8]) -> i32 {
    fgs_abi::INVOKE_FAILED
}

#[cfg(not(target_family = "wasm"))]
pub fn invoke_response(buf: &mut [u8]) -> usize {
    const MSG: &[u8] = b"no host: not running in fgs-local";
    let n = MSG.len().min(buf.len());
    buf[..n].copy_from_slice(&MSG[..n]);
    MSG.len()
}
