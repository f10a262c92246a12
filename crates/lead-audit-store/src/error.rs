//! One error type for the store, sorted by what a caller can do about it.

use sqlx::error::ErrorKind as DbErrorKind;

/// What went wrong talking to the database.
///
/// The worker fails the attempt on any error (BullMQ retries it); [`StoreError::is_transient`]
/// tells whether a retry can help.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The URL names no supported backend or cannot be parsed.
    #[error("unsupported database URL `{0}`: expected postgres://, postgresql:// or sqlite://")]
    InvalidUrl(String),
    /// The lead has no id, website, email or phone to be stored under.
    #[error("the lead has no id, website, email or phone to be stored under")]
    KeylessLead,
    /// The database cannot be reached, refused or dropped the connection, the pool had no free
    /// connection in time, or a statement ran past its timeout. Retry later.
    #[error("database unavailable: {0}")]
    Unavailable(#[source] sqlx::Error),
    /// The database is busy (SQLite lock, PostgreSQL deadlock or serialization failure). Retry.
    #[error("database busy: {0}")]
    Busy(#[source] sqlx::Error),
    /// A row broke a constraint (unique, foreign key, not null, check): a bug or bad input,
    /// retrying the same write fails the same way.
    #[error("constraint violated: {0}")]
    Constraint(#[source] sqlx::Error),
    /// Applying the migrations failed (bad SQL, or the database holds a migration this build
    /// does not know).
    #[error("migration failed: {0}")]
    Migration(#[from] sqlx::migrate::MigrateError),
    /// A stored value could not be decoded (JSON, grade or timestamp).
    #[error("stored data is malformed: {0}")]
    Corrupt(String),
    /// Any other database error.
    #[error("database error: {0}")]
    Database(#[source] sqlx::Error),
}

impl StoreError {
    /// A stable machine-readable name for logs and job failure reasons.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::InvalidUrl(_) => "invalid_url",
            Self::KeylessLead => "keyless_lead",
            Self::Unavailable(_) => "unavailable",
            Self::Busy(_) => "busy",
            Self::Constraint(_) => "constraint",
            Self::Migration(_) => "migration",
            Self::Corrupt(_) => "corrupt",
            Self::Database(_) => "database",
        }
    }

    /// True when the same call may succeed later without any change.
    pub fn is_transient(&self) -> bool {
        matches!(self, Self::Unavailable(_) | Self::Busy(_))
    }
}

impl From<sqlx::Error> for StoreError {
    fn from(err: sqlx::Error) -> Self {
        match &err {
            sqlx::Error::Io(_)
            | sqlx::Error::Tls(_)
            | sqlx::Error::Protocol(_)
            | sqlx::Error::PoolTimedOut
            | sqlx::Error::PoolClosed
            | sqlx::Error::WorkerCrashed => Self::Unavailable(err),
            sqlx::Error::Database(db) => match db.kind() {
                DbErrorKind::UniqueViolation
                | DbErrorKind::ForeignKeyViolation
                | DbErrorKind::NotNullViolation
                | DbErrorKind::CheckViolation => Self::Constraint(err),
                _ => {
                    let code = db.code().map(|c| c.into_owned());
                    classify_code(code.as_deref(), err)
                }
            },
            sqlx::Error::ColumnDecode { .. } | sqlx::Error::Decode(_) => {
                Self::Corrupt(err.to_string())
            }
            _ => Self::Database(err),
        }
    }
}

/// Sorts driver error codes that are not constraint violations. PostgreSQL codes are five
/// characters (SQLSTATE); SQLite codes are numbers of at most four digits.
fn classify_code(code: Option<&str>, err: sqlx::Error) -> StoreError {
    let Some(code) = code else {
        return StoreError::Database(err);
    };
    if code.len() == 5 {
        // Connection exceptions (08), insufficient resources (53), operator intervention (57:
        // statement timeout, admin shutdown, cannot connect now); 40001/40P01 are
        // serialization failure and deadlock.
        return match &code[..2] {
            "08" | "53" | "57" => StoreError::Unavailable(err),
            "40" if code == "40001" || code == "40P01" => StoreError::Busy(err),
            _ => StoreError::Database(err),
        };
    }
    // SQLITE_BUSY (5) and SQLITE_LOCKED (6), with their extended codes in the high bytes.
    match code.parse::<i32>() {
        Ok(n) if matches!(n & 0xff, 5 | 6) => StoreError::Busy(err),
        _ => StoreError::Database(err),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pool_timeout_is_transient() {
        let e = StoreError::from(sqlx::Error::PoolTimedOut);
        assert_eq!(e.kind(), "unavailable");
        assert!(e.is_transient());
    }

    #[test]
    fn codes_are_sorted() {
        let busy = classify_code(Some("517"), sqlx::Error::RowNotFound); // SQLITE_BUSY_SNAPSHOT
        assert_eq!(busy.kind(), "busy");
        let timeout = classify_code(Some("57014"), sqlx::Error::RowNotFound);
        assert_eq!(timeout.kind(), "unavailable");
        let other = classify_code(Some("42601"), sqlx::Error::RowNotFound);
        assert_eq!(other.kind(), "database");
        assert!(!other.is_transient());
    }
}
