//! Async-invocation configuration per version (seed §5.13.1-§5.13.4).

#[allow(unused_imports)]
use crate::Emulator;
