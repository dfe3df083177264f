//! Tests: function URNs, every form and malformed input.
