//! Pool and timeout settings, and the duration syntax of `LEAD_AUDIT_FRESHNESS`.

use std::time::Duration;

/// How long after its audit a lead is skipped as fresh, when `LEAD_AUDIT_FRESHNESS` is not set.
pub const DEFAULT_FRESHNESS: Duration = Duration::from_secs(24 * 3600);

/// Connection pool settings. `Default` suits a worker with a handful of concurrent jobs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoreOptions {
    /// Most connections the pool opens. SQLite writes go one at a time whatever this is.
    pub max_connections: u32,
    /// Longest a single statement may run (PostgreSQL `statement_timeout`; SQLite's busy
    /// timeout, the longest a write waits for the file lock).
    pub statement_timeout: Duration,
    /// Longest a caller waits for a free connection (or a new one) before
    /// [`StoreError::Unavailable`](crate::StoreError::Unavailable).
    pub acquire_timeout: Duration,
}

impl Default for StoreOptions {
    fn default() -> Self {
        Self {
            max_connections: 10,
            statement_timeout: Duration::from_secs(30),
            acquire_timeout: Duration::from_secs(10),
        }
    }
}

/// A duration that could not be parsed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid duration `{0}`: expected seconds (`3600`) or amounts with units d/h/m/s/ms (`24h`, `1h30m`)")]
pub struct ParseDurationError(String);

/// Parses `3600` (seconds), `24h`, `30m`, `90s`, `500ms`, `2d` or combinations like `1h30m`.
/// Usable as a clap `value_parser`.
pub fn parse_duration(text: &str) -> Result<Duration, ParseDurationError> {
    let err = || ParseDurationError(text.to_owned());
    let s = text.trim();
    if s.is_empty() {
        return Err(err());
    }
    if let Ok(secs) = s.parse::<u64>() {
        return Ok(Duration::from_secs(secs));
    }
    let mut total = Duration::ZERO;
    let mut rest = s;
    while !rest.is_empty() {
        let digits = rest.find(|c: char| !c.is_ascii_digit()).ok_or_else(err)?;
        let amount: u64 = rest[..digits].parse().map_err(|_| err())?;
        rest = &rest[digits..];
        let unit_len = rest
            .find(|c: char| c.is_ascii_digit())
            .unwrap_or(rest.len());
        let unit_secs: u64 = match rest[..unit_len].trim() {
            "d" => 86_400,
            "h" => 3_600,
            "m" | "min" => 60,
            "s" => 1,
            "ms" => {
                total += Duration::from_millis(amount);
                rest = &rest[unit_len..];
                continue;
            }
            _ => return Err(err()),
        };
        let secs = amount.checked_mul(unit_secs).ok_or_else(err)?;
        total = total
            .checked_add(Duration::from_secs(secs))
            .ok_or_else(err)?;
        rest = &rest[unit_len..];
    }
    Ok(total)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_documented_forms() {
        assert_eq!(parse_duration("24h"), Ok(DEFAULT_FRESHNESS));
        assert_eq!(parse_duration("30m"), Ok(Duration::from_secs(1800)));
        assert_eq!(parse_duration("3600"), Ok(Duration::from_secs(3600)));
        assert_eq!(parse_duration(" 1h30m "), Ok(Duration::from_secs(5400)));
        assert_eq!(parse_duration("2d"), Ok(Duration::from_secs(172_800)));
        assert_eq!(parse_duration("1s500ms"), Ok(Duration::from_millis(1500)));
        assert_eq!(parse_duration("0"), Ok(Duration::ZERO));
    }

    #[test]
    fn rejects_garbage() {
        for bad in [
            "",
            "h",
            "24x",
            "1.5h",
            "-3h",
            "h24",
            "99999999999999999999d",
        ] {
            assert!(parse_duration(bad).is_err(), "{bad:?} should not parse");
        }
    }
}
