//! Tests: Reserved-instance configuration (seed §5.10).
