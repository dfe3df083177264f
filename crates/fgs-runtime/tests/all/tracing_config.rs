//! Tests: Tracing configuration (seed §5.5).
