//! Tests: Tenant quotas (seed §5.2.1) with real `used` counts.
