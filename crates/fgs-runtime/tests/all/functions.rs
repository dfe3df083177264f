//! Tests: Function lifecycle (seed §5.6): create, list, get config and code, update code and
//! config, delete, max instances. Shared fixtures here; one file per endpoint group below.

use fgs_core::function::{CreateFunctionRequest, FuncCode};

use crate::common::b64;

mod create;
mod delete;
mod list_get;
mod properties;
mod update;

/// A valid module exporting `handler: () -> ()`.
pub const HANDLER_WASM: &[u8] = &[
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // magic, version
    0x01, 0x04, 0x01, 0x60, 0x00, 0x00, // type section: () -> ()
    0x03, 0x02, 0x01, 0x00, // function section
    0x07, 0x0b, 0x01, 0x07, b'h', b'a', b'n', b'd', b'l', b'e', b'r', 0x00, 0x00, // export
    0x0a, 0x04, 0x01, 0x02, 0x00, 0x0b, // code section
];

/// A valid module of `len` bytes or more: [`HANDLER_WASM`] plus a custom section.
pub fn big_wasm(len: usize) -> Vec<u8> {
    let mut out = HANDLER_WASM.to_vec();
    let name = b"pad";
    let payload = len.saturating_sub(out.len()) + 1;
    let size = 1 + name.len() + payload;
    out.push(0); // custom section id
    leb128(&mut out, size as u64);
    out.push(name.len() as u8);
    out.extend_from_slice(name);
    out.extend(std::iter::repeat_n(0xAB, payload));
    out
}

fn leb128(out: &mut Vec<u8>, mut v: u64) {
    loop {
        let byte = (v & 0x7f) as u8;
        v >>= 7;
        if v == 0 {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}

/// A valid create request for `name` with inline wasm code.
pub fn req(name: &str) -> CreateFunctionRequest {
    CreateFunctionRequest {
        func_name: name.to_owned(),
        package: "default".to_owned(),
        runtime: "Custom".to_owned(),
        timeout: 30,
        handler: "index.handler".to_owned(),
        memory_size: 128,
        code_type: "inline".to_owned(),
        func_code: Some(code(HANDLER_WASM)),
        ..Default::default()
    }
}

/// `func_code` holding `bytes` in Base64.
pub fn code(bytes: &[u8]) -> FuncCode {
    FuncCode {
        file: Some(b64(bytes)),
        link: Some(String::new()),
    }
}
