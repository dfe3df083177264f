//! Tests: Aliases with weighted additional versions (seed §5.7.1-§5.7.5).
