//! Tests: Log group and stream of a function (seed §5.9).
