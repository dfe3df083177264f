//! Tests: the FSS error table.
