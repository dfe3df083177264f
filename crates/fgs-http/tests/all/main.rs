//! Router tests through `oneshot` (no socket; `socket` uses a real one): every answer checked
//! for status and body.

mod common;

mod apig;
mod endpoints;
mod invoke;
mod openapi;
mod outcomes;
mod socket;
mod unknown_fields;
