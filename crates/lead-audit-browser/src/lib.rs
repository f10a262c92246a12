//! lead-audit-browser
