//! Tests: end-to-end scenarios across the management API.
