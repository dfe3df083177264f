//! Tests: Dependencies (seed §5.3).
