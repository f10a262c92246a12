//! SQLite: the CLI's embedded store. Plain `sqlx::query` with bound parameters (see
//! `docs/store.md` for why the macros are used for PostgreSQL only).

use std::str::FromStr;

use chrono::{DateTime, SecondsFormat, Utc};
use lead_audit_core::{AuditResult, Lead};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteRow,
    SqliteSynchronous,
};
use sqlx::{Row, SqliteConnection};

use crate::model::{from_json, lead_key, parse_grade, to_json, website_key};
use crate::{AuditRecord, JobRef, LeadRecord, LeadStore, RecordOutcome, StoreError, StoreOptions};

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");

/// A pool over one SQLite file, in WAL mode so readers never wait for the writer.
#[derive(Debug, Clone)]
pub struct SqliteStore {
    pool: SqlitePool,
}

impl SqliteStore {
    /// Opens (creating if missing) the file named by a `sqlite://` URL.
    pub async fn connect(url: &str, options: &StoreOptions) -> Result<Self, StoreError> {
        let connect = SqliteConnectOptions::from_str(url)
            .map_err(|_| StoreError::InvalidUrl(url.to_owned()))?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(options.statement_timeout);
        let pool = SqlitePoolOptions::new()
            .max_connections(options.max_connections.max(1))
            .acquire_timeout(options.acquire_timeout)
            .connect_with(connect)
            .await?;
        Ok(Self { pool })
    }

    /// The underlying pool, for queries this crate does not offer.
    pub fn pool(&self) -> &SqlitePool {
        &self.pool
    }

    /// Closes the pool.
    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// Timestamps as fixed-width RFC 3339 text (microseconds, `Z`), so that text order is time
/// order and the precision matches PostgreSQL's.
fn ts(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Micros, true)
}

fn parse_ts(s: &str) -> Result<DateTime<Utc>, StoreError> {
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| StoreError::Corrupt(format!("timestamp `{s}`: {e}")))
}

/// Inserts the lead or refreshes its contact data; `None` fields keep the stored value.
async fn upsert_contact(
    conn: &mut SqliteConnection,
    id: &str,
    lead: &Lead,
    now: &str,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO leads (id, company_name, website, website_key, email, phone, country,
                            created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8)
         ON CONFLICT (id) DO UPDATE SET
             company_name = COALESCE(excluded.company_name, leads.company_name),
             website      = COALESCE(excluded.website, leads.website),
             website_key  = COALESCE(excluded.website_key, leads.website_key),
             email        = COALESCE(excluded.email, leads.email),
             phone        = COALESCE(excluded.phone, leads.phone),
             country      = COALESCE(excluded.country, leads.country),
             updated_at   = excluded.updated_at
         WHERE (leads.company_name, leads.website, leads.email, leads.phone, leads.country)
               IS NOT (COALESCE(excluded.company_name, leads.company_name),
                       COALESCE(excluded.website, leads.website),
                       COALESCE(excluded.email, leads.email),
                       COALESCE(excluded.phone, leads.phone),
                       COALESCE(excluded.country, leads.country))",
    )
    .bind(id)
    .bind(lead.company_name.as_deref())
    .bind(lead.website())
    .bind(lead.website().and_then(website_key))
    .bind(lead.email.as_deref())
    .bind(lead.phone.as_deref())
    .bind(lead.country.as_deref())
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

fn lead_from_row(row: &SqliteRow) -> Result<Lead, StoreError> {
    Ok(Lead {
        lead_id: Some(row.try_get("id")?),
        website: row.try_get("website")?,
        company_name: row.try_get("company_name")?,
        email: row.try_get("email")?,
        phone: row.try_get("phone")?,
        country: row.try_get("country")?,
        force: false,
    })
}

impl LeadStore for SqliteStore {
    async fn migrate(&self) -> Result<(), StoreError> {
        MIGRATOR.run(&self.pool).await?;
        Ok(())
    }

    async fn upsert_lead(&self, lead: &Lead) -> Result<String, StoreError> {
        let id = lead_key(lead).ok_or(StoreError::KeylessLead)?;
        let mut conn = self.pool.acquire().await?;
        upsert_contact(&mut conn, &id, lead, &ts(Utc::now())).await?;
        Ok(id)
    }

    async fn load_lead(&self, id: &str) -> Result<Option<Lead>, StoreError> {
        let row = sqlx::query(
            "SELECT id, company_name, website, email, phone, country FROM leads WHERE id = ?1",
        )
        .bind(id)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(lead_from_row).transpose()
    }

    async fn load_record(&self, id: &str) -> Result<Option<LeadRecord>, StoreError> {
        let Some(row) = sqlx::query("SELECT * FROM leads WHERE id = ?1")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?
        else {
            return Ok(None);
        };
        let opt_ts = |col: &str| -> Result<Option<DateTime<Utc>>, StoreError> {
            row.try_get::<Option<String>, _>(col)?
                .as_deref()
                .map(parse_ts)
                .transpose()
        };
        Ok(Some(LeadRecord {
            lead: lead_from_row(&row)?,
            created_at: parse_ts(&row.try_get::<String, _>("created_at")?)?,
            updated_at: parse_ts(&row.try_get::<String, _>("updated_at")?)?,
            last_audited_at: opt_ts("last_audited_at")?,
            last_grade: row
                .try_get::<Option<String>, _>("last_grade")?
                .as_deref()
                .map(parse_grade)
                .transpose()?,
            last_points: row.try_get("last_points")?,
            emails: from_json(&row.try_get::<String, _>("emails")?)?,
            phones: from_json(&row.try_get::<String, _>("phones")?)?,
            technologies: from_json(&row.try_get::<String, _>("technologies")?)?,
        }))
    }

    async fn last_audited(&self, lead: &Lead) -> Result<Option<DateTime<Utc>>, StoreError> {
        let has_id = lead
            .lead_id
            .as_deref()
            .is_some_and(|s| !s.trim().is_empty());
        let site = lead.website().and_then(website_key);
        let found: Option<String> = match (has_id, site) {
            (false, Some(site)) => {
                sqlx::query_scalar("SELECT MAX(last_audited_at) FROM leads WHERE website_key = ?1")
                    .bind(site)
                    .fetch_one(&self.pool)
                    .await?
            }
            _ => {
                let Some(id) = lead_key(lead) else {
                    return Ok(None);
                };
                sqlx::query_scalar("SELECT last_audited_at FROM leads WHERE id = ?1")
                    .bind(id)
                    .fetch_optional(&self.pool)
                    .await?
                    .flatten()
            }
        };
        found.as_deref().map(parse_ts).transpose()
    }

    async fn record_audit(
        &self,
        lead: &Lead,
        result: &AuditResult,
        job: Option<JobRef<'_>>,
    ) -> Result<RecordOutcome, StoreError> {
        let lead_id = lead_key(lead).ok_or(StoreError::KeylessLead)?;
        let mut outcome = RecordOutcome {
            lead_id,
            history_inserted: false,
            lead_updated: false,
        };
        if result.skipped.is_some() {
            return Ok(outcome);
        }
        let id = outcome.lead_id.as_str();
        let now = ts(Utc::now());
        let audited_at = ts(result.audited_at);
        let grade = result.score.grade.as_str();

        let mut tx = self.pool.begin().await?;
        upsert_contact(&mut tx, id, lead, &now).await?;
        let inserted: Option<i64> = sqlx::query_scalar(
            "INSERT INTO lead_audits (lead_id, job_id, attempt, result, grade, points,
                                      audited_at, recorded_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
             ON CONFLICT (lead_id, job_id, attempt) DO NOTHING
             RETURNING id",
        )
        .bind(id)
        .bind(job.map(|j| j.id))
        .bind(job.map(|j| j.attempt))
        .bind(to_json(result)?)
        .bind(grade)
        .bind(result.score.points)
        .bind(&audited_at)
        .bind(&now)
        .fetch_optional(&mut *tx)
        .await?;
        outcome.history_inserted = inserted.is_some();
        if outcome.history_inserted {
            let updated = sqlx::query(
                "UPDATE leads SET last_audited_at = ?2, last_grade = ?3, last_points = ?4,
                                  emails = ?5, phones = ?6, technologies = ?7, updated_at = ?8
                 WHERE id = ?1 AND (last_audited_at IS NULL OR last_audited_at < ?2)",
            )
            .bind(id)
            .bind(&audited_at)
            .bind(grade)
            .bind(result.score.points)
            .bind(to_json(&result.emails)?)
            .bind(to_json(&result.phones)?)
            .bind(to_json(&result.technologies)?)
            .bind(&now)
            .execute(&mut *tx)
            .await?;
            outcome.lead_updated = updated.rows_affected() == 1;
        }
        tx.commit().await?;
        Ok(outcome)
    }

    async fn history(&self, lead_id: &str) -> Result<Vec<AuditRecord>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, lead_id, job_id, attempt, grade, points, audited_at, result
             FROM lead_audits WHERE lead_id = ?1 ORDER BY id",
        )
        .bind(lead_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                Ok(AuditRecord {
                    id: row.try_get("id")?,
                    lead_id: row.try_get("lead_id")?,
                    job_id: row.try_get("job_id")?,
                    attempt: row.try_get("attempt")?,
                    grade: parse_grade(&row.try_get::<String, _>("grade")?)?,
                    points: row.try_get("points")?,
                    audited_at: parse_ts(&row.try_get::<String, _>("audited_at")?)?,
                    result: from_json(&row.try_get::<String, _>("result")?)?,
                })
            })
            .collect()
    }
}
