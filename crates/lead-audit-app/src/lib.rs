//! `lead-audit-app`: what the front ends (CLI, worker, addon) share, so that each of them only
//! adapts its transport.
//!
//! - [`lead`]: the one reader of leads as users send them (numeric ids, field aliases);
//! - [`input`]: lead files (CSV, JSONL) read row by row;
//! - [`settings`]: the audit settings as one clap `Args`, and building the auditor from them;
//! - [`record`]: load → skip if fresh → audit → record, for the CLI and the worker;
//! - [`results`]: audit results read back from files and the database, for reports;
//! - [`display`]: secrets and user data in messages;
//! - [`env`]: `.env` files and empty variables, before the settings are parsed.

pub mod display;
pub mod env;
pub mod input;
pub mod lead;
pub mod record;
pub mod results;
pub mod settings;

pub use lead::{LeadError, LeadInput};
pub use record::{
    AuditStep, JobAttempt, LeadSource, Recorded, SourceError, StepError, StorePolicy,
};
pub use settings::{AuditSettings, DomainSettings, SettingsError};
