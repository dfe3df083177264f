//! Tracing configuration (seed §5.5).

#[allow(unused_imports)]
use crate::Emulator;
