//! `lead-audit-worker`: a BullMQ consumer of the `leads` queue that audits each lead with
//! `lead-audit-core`, side by side with Node BullMQ workers (SPEC §5.2).
//!
//! The protocol (marker wake-up, Lua moves, locks, stalled checks, retries) is the BullMQ
//! maintainers' Rust port, crate `bullmq-official`. This crate is the adapter around it:
//! [`job::handle`] turns job data into an `AuditResult`, [`glue`] connects it to a BullMQ job,
//! [`runner`] starts and drains the worker, [`enqueue()`] adds jobs as the Node backend does.

pub mod backend;
pub mod config;
pub mod enqueue;
pub mod glue;
pub mod job;
pub mod metrics;
pub mod processor;
pub mod runner;
pub mod source;

pub use config::Config;
pub use enqueue::{enqueue, EnqueueError, EnqueueOptions};
pub use job::{handle, JobEnv, JobError};
pub use source::{LeadSource, SourceError};
