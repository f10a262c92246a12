//! SQLite: the CLI's embedded store. Queries are checked at compile time against the migrated
//! schema (`sqlx::query!`), from the committed `.sqlx/` data like PostgreSQL's. Parameters are
//! written `?N`, never `$N`, so no statement's text (the key of its `.sqlx/` file) is also a
//! PostgreSQL statement's.

use std::str::FromStr;

use chrono::{DateTime, SecondsFormat, Utc};
use lead_audit_core::{AuditResult, Lead};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use sqlx::{Sqlite, SqliteConnection};

use crate::model::{from_json, parse_grade, to_json, website_key};
use crate::record::{self, AuditWriter, Lookup, Recording};
use crate::{
    AuditRecord, JobRef, LatestAudit, LeadRecord, LeadStore, RecordOutcome, StoreError,
    StoreOptions,
};

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

    /// The newest audit of each lead, the most recently audited first, at most `limit`.
    /// Checked at run time rather than by the query macros: it reads columns the macros
    /// already check elsewhere, and the report is its only caller.
    pub async fn latest_audits(&self, limit: u32) -> Result<Vec<LatestAudit>, StoreError> {
        use sqlx::Row;
        let rows = sqlx::query(
            "SELECT l.id, l.company_name, l.country, a.result
               FROM leads l
               JOIN lead_audits a ON a.id = (
                   SELECT b.id FROM lead_audits b WHERE b.lead_id = l.id
                   ORDER BY b.audited_at DESC, b.id DESC LIMIT 1)
               ORDER BY a.audited_at DESC, a.id DESC
               LIMIT ?1",
        )
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|r| {
                Ok(LatestAudit {
                    lead_id: r.try_get("id")?,
                    company_name: r.try_get("company_name")?,
                    country: r.try_get("country")?,
                    result: from_json(&r.try_get::<String, _>("result")?)?,
                })
            })
            .collect()
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

impl AuditWriter for SqliteStore {
    type Db = Sqlite;

    fn pool(&self) -> &SqlitePool {
        &self.pool
    }

    async fn upsert_contact(
        conn: &mut SqliteConnection,
        id: &str,
        lead: &Lead,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let (company_name, website) = (lead.company_name.as_deref(), lead.website());
        let website_key = website.and_then(website_key);
        let (email, phone) = (lead.email.as_deref(), lead.phone.as_deref());
        let country = lead.country.as_deref();
        let now = ts(now);
        sqlx::query!(
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
            id,
            company_name,
            website,
            website_key,
            email,
            phone,
            country,
            now,
        )
        .execute(&mut *conn)
        .await?;
        Ok(())
    }

    async fn insert_history(
        conn: &mut SqliteConnection,
        rec: &Recording<'_>,
    ) -> Result<bool, StoreError> {
        let result = rec.result;
        let (job_id, attempt) = (rec.job.map(|j| j.id), rec.job.map(|j| j.attempt));
        let json = to_json(result)?;
        let grade = result.score.grade.as_str();
        let (audited_at, now) = (ts(result.audited_at), ts(rec.now));
        let inserted = sqlx::query_scalar!(
            "INSERT INTO lead_audits (lead_id, job_id, attempt, result, grade, points,
                                      audited_at, recorded_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
             ON CONFLICT (lead_id, job_id, attempt) DO NOTHING
             RETURNING id",
            rec.id,
            job_id,
            attempt,
            json,
            grade,
            result.score.points,
            audited_at,
            now,
        )
        .fetch_optional(conn)
        .await?;
        Ok(inserted.is_some())
    }

    async fn update_summary(
        conn: &mut SqliteConnection,
        rec: &Recording<'_>,
    ) -> Result<bool, StoreError> {
        let result = rec.result;
        let grade = result.score.grade.as_str();
        let (audited_at, now) = (ts(result.audited_at), ts(rec.now));
        let emails = to_json(&result.emails)?;
        let phones = to_json(&result.phones)?;
        let technologies = to_json(&result.technologies)?;
        let updated = sqlx::query!(
            "UPDATE leads SET last_audited_at = ?2, last_grade = ?3, last_points = ?4,
                              emails = ?5, phones = ?6, technologies = ?7, updated_at = ?8
             WHERE id = ?1 AND (last_audited_at IS NULL OR last_audited_at < ?2)",
            rec.id,
            audited_at,
            grade,
            result.score.points,
            emails,
            phones,
            technologies,
            now,
        )
        .execute(conn)
        .await?;
        Ok(updated.rows_affected() == 1)
    }
}

impl LeadStore for SqliteStore {
    async fn migrate(&self) -> Result<(), StoreError> {
        MIGRATOR.run(&self.pool).await?;
        Ok(())
    }

    async fn upsert_lead(&self, lead: &Lead) -> Result<String, StoreError> {
        record::upsert_lead(self, lead).await
    }

    async fn load_lead(&self, id: &str) -> Result<Option<Lead>, StoreError> {
        let row = sqlx::query!(
            "SELECT id, company_name, website, email, phone, country FROM leads WHERE id = ?1",
            id
        )
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map(|r| Lead {
            lead_id: Some(r.id),
            website: r.website,
            company_name: r.company_name,
            email: r.email,
            phone: r.phone,
            country: r.country,
            force: false,
        }))
    }

    async fn load_record(&self, id: &str) -> Result<Option<LeadRecord>, StoreError> {
        let Some(r) = sqlx::query!(
            r#"SELECT id, company_name, website, email, phone, country, created_at, updated_at,
                      last_audited_at, last_grade, last_points AS "last_points: i32",
                      emails, phones, technologies
               FROM leads WHERE id = ?1"#,
            id
        )
        .fetch_optional(&self.pool)
        .await?
        else {
            return Ok(None);
        };
        Ok(Some(LeadRecord {
            lead: Lead {
                lead_id: Some(r.id),
                website: r.website,
                company_name: r.company_name,
                email: r.email,
                phone: r.phone,
                country: r.country,
                force: false,
            },
            created_at: parse_ts(&r.created_at)?,
            updated_at: parse_ts(&r.updated_at)?,
            last_audited_at: r.last_audited_at.as_deref().map(parse_ts).transpose()?,
            last_grade: r.last_grade.as_deref().map(parse_grade).transpose()?,
            last_points: r.last_points,
            emails: from_json(&r.emails)?,
            phones: from_json(&r.phones)?,
            technologies: from_json(&r.technologies)?,
        }))
    }

    async fn last_audited(&self, lead: &Lead) -> Result<Option<DateTime<Utc>>, StoreError> {
        let found = match Lookup::of(lead) {
            Some(Lookup::Site(site)) => {
                sqlx::query_scalar!(
                    r#"SELECT MAX(last_audited_at) AS "last?: String" FROM leads WHERE website_key = ?1"#,
                    site
                )
                .fetch_one(&self.pool)
                .await?
            }
            Some(Lookup::Id(id)) => {
                sqlx::query_scalar!("SELECT last_audited_at FROM leads WHERE id = ?1", id)
                    .fetch_optional(&self.pool)
                    .await?
                    .flatten()
            }
            None => None,
        };
        found.as_deref().map(parse_ts).transpose()
    }

    async fn record_audit(
        &self,
        lead: &Lead,
        result: &AuditResult,
        job: Option<JobRef<'_>>,
    ) -> Result<RecordOutcome, StoreError> {
        record::record_audit(self, lead, result, job).await
    }

    async fn history(&self, lead_id: &str) -> Result<Vec<AuditRecord>, StoreError> {
        let rows = sqlx::query!(
            r#"SELECT id AS "id!", lead_id, job_id, attempt AS "attempt: i32", grade,
                      points AS "points: i32", audited_at, result
               FROM lead_audits WHERE lead_id = ?1 ORDER BY id"#,
            lead_id
        )
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|r| {
                Ok(AuditRecord {
                    id: r.id,
                    lead_id: r.lead_id,
                    job_id: r.job_id,
                    attempt: r.attempt,
                    grade: parse_grade(&r.grade)?,
                    points: r.points,
                    audited_at: parse_ts(&r.audited_at)?,
                    result: from_json(&r.result)?,
                })
            })
            .collect()
    }
}
