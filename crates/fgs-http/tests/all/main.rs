//! Router tests through `oneshot` (no socket): every answer checked for status and body.

mod common;

mod endpoints;
mod invoke;
mod openapi;
