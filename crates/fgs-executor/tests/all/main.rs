//! Integration tests of `fgs-executor` through its public API, one binary (STYLE §2). Fixture
//! modules come from the committed `fixtures/wasm/*.wasm` and `fixtures/wat/*.wat`.

mod common;
mod limits;
mod module;
mod pool;
mod warm;
mod wasi;
