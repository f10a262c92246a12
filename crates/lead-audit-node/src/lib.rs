//! `@app/lead-audit-native`: the lead audit pipeline for Node and Bun (SPEC §5.3).
//!
//! A thin adapter over `lead-audit-core`: each export converts its JS arguments, calls the
//! core and converts the result back. `auditLead` runs on napi's tokio runtime; the helpers
//! are synchronous. Every error carries a stable `code` (`E_INVALID_ARG`,
//! `E_INVALID_OPTIONS`, `E_CANCELLED`, `E_INTERNAL`).

// napi-derive expands every export into `unsafe` FFI glue, and reading a JS value whose type
// was checked first is an `unsafe` cast in napi-rs; each such cast says why it holds.
#![allow(unsafe_code)]

pub mod audit;
pub mod auditors;
pub mod error;
pub mod helpers;
pub mod lead;
pub mod options;
pub mod progress;
pub mod result;
