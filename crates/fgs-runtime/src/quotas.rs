//! Tenant quotas (seed §5.2.1) with real `used` counts.

#[allow(unused_imports)]
use crate::Emulator;
