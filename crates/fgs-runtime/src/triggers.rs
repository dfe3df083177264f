//! Triggers as data (seed §5.12): create, list, get, update status, delete.

#[allow(unused_imports)]
use crate::Emulator;
