//! What the tests against servers on 127.0.0.1 share: audit options that may fetch loopback
//! addresses, with no domain lookup, no browser and generous time limits.

use std::time::Duration;

use lead_audit_core::{AuditOptions, BrowserMode};

/// Options for auditing a loopback server.
pub fn options() -> AuditOptions {
    AuditOptions {
        allow_private_networks: true,
        domain_lookup: false,
        browser: BrowserMode::Never,
        timeout: Duration::from_secs(30),
        request_timeout: Duration::from_secs(10),
        ..AuditOptions::default()
    }
}
