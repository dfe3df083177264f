//! Export and import of a function as a ZIP package (seed §5.11).

#[allow(unused_imports)]
use crate::Emulator;
