//! Tests: Triggers as data (seed §5.12): create, list, get, update status, delete.
