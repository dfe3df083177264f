//! The host side of a guest's sub-function calls (seed example 4.4): the trait the runtime
//! implements. A leaf module.

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
