//! The lead reader: bytes as one JSON lead, as a JSONL file and as a CSV file. Every row is a
//! lead or a row error; nothing panics.
#![no_main]

use std::io::Cursor;

use lead_audit_app::input::{csv_rows, jsonl_rows};
use lead_audit_app::LeadInput;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(value) = serde_json::from_slice::<serde_json::Value>(data) {
        let _ = LeadInput::from_value(value);
    }
    // Each row holds at least one byte of the file (JSONL skips blank lines).
    let limit = data.len() + 1;
    assert!(
        jsonl_rows(Cursor::new(data.to_vec()))
            .take(limit + 1)
            .count()
            <= limit
    );
    if let Ok(rows) = csv_rows(Cursor::new(data.to_vec())) {
        assert!(rows.take(limit + 1).count() <= limit);
    }
});
