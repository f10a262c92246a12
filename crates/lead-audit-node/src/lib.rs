//! `@app/lead-audit-native`: the lead audit pipeline for Node and Bun (see `docs/node.md`).
//!
//! A thin adapter: each export reads its JS arguments into serde structs (leads through
//! `lead_audit_app::LeadInput`, options into `lead_audit_app::AuditSettings`), calls the core
//! and converts the result back. `auditLead` runs on napi's tokio runtime; the helpers are
//! synchronous. Every error carries a stable `code` (`E_INVALID_ARG`, `E_INVALID_OPTIONS`,
//! `E_CANCELLED`, `E_INTERNAL`).

pub mod args;
pub mod audit;
pub mod auditors;
pub mod contact;
pub mod error;
pub mod helpers;
pub mod lead;
pub mod options;
pub mod progress;
pub mod report;
pub mod result;
