//! Tests: Function lifecycle (seed §5.6): create, list, get config and code, update code and config, delete, max instances.
