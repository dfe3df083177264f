//! Tenant quotas (seed §5.2.1).
