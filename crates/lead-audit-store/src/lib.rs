//! lead-audit-store
