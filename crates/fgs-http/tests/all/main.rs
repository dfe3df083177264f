//! Router tests through `oneshot` (no socket): every answer checked for status and body.

mod common;

mod apig;
mod endpoints;
mod invoke;
mod outcomes;
mod unknown_fields;
