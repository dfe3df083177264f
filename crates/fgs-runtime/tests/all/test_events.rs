//! Tests: Test events (seed §5.4).
