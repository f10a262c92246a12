//! `lead-audit-worker`: a BullMQ consumer of the `leads` queue that audits each lead with
//! `lead-audit-core`, side by side with Node BullMQ workers.
//!
//! The protocol (marker wake-up, Lua moves, locks, stalled checks, retries) is the BullMQ
//! maintainers' Rust port, crate `bullmq-official`. This crate is the adapter around it:
//! [`job::handle`] turns job data into an `AuditResult`, [`glue`] connects it to a BullMQ job,
//! [`runner`] starts and drains the worker. Settings, the lead reader and the audit-and-record
//! step come from `lead-audit-app`; the queue settings from `lead-audit-queue`.

pub mod backend;
pub mod config;
pub mod glue;
pub mod job;
pub mod metrics;
#[cfg(feature = "test-processor")]
pub mod processor;
pub mod report;
pub mod runner;
pub mod telemetry;

pub use config::Config;
pub use job::{handle, JobError};
