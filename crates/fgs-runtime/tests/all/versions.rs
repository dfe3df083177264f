//! Tests: Publishing and listing versions (seed §5.7.6, §5.7.7).
