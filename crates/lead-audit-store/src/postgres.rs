//! PostgreSQL: the backend's database. Queries are checked at compile time against the
//! migrated schema (`sqlx::query!`), from the committed `.sqlx/` data when offline.

use std::str::FromStr;

use chrono::{DateTime, Utc};
use lead_audit_core::{AuditResult, Lead};
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::{PgConnection, Postgres};

use crate::model::{parse_grade, website_key};
use crate::record::{self, AuditWriter, Lookup, Recording};
use crate::{
    AuditRecord, JobRef, LatestAudit, LeadRecord, LeadStore, RecordOutcome, StoreError,
    StoreOptions,
};

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

/// A connection pool to PostgreSQL.
#[derive(Debug, Clone)]
pub struct PgStore {
    pool: PgPool,
}

impl PgStore {
    /// Opens a pool for a `postgres://` URL. Every connection runs with the configured
    /// `statement_timeout`, so a stuck query fails the job instead of holding it forever.
    pub async fn connect(url: &str, options: &StoreOptions) -> Result<Self, StoreError> {
        let timeout_ms = options.statement_timeout.as_millis().to_string();
        let connect = PgConnectOptions::from_str(url)
            .map_err(|_| StoreError::InvalidUrl(url.to_owned()))?
            .application_name("lead-audit")
            .options([("statement_timeout", timeout_ms.as_str())]);
        let pool = PgPoolOptions::new()
            .max_connections(options.max_connections.max(1))
            .acquire_timeout(options.acquire_timeout)
            // Broken connections (server restart) are replaced on the next acquire.
            .test_before_acquire(true)
            .idle_timeout(std::time::Duration::from_secs(600))
            .connect_with(connect)
            .await?;
        Ok(Self { pool })
    }

    /// The underlying pool, for queries this crate does not offer.
    pub fn pool(&self) -> &PgPool {
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
               LIMIT $1",
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
                    result: from_value(r.try_get::<serde_json::Value, _>("result")?)?,
                })
            })
            .collect()
    }

    /// Closes the pool.
    pub async fn close(&self) {
        self.pool.close().await;
    }
}

fn json<T: serde::Serialize + ?Sized>(v: &T) -> Result<serde_json::Value, StoreError> {
    serde_json::to_value(v).map_err(|e| StoreError::Corrupt(e.to_string()))
}

fn from_value<T: serde::de::DeserializeOwned>(v: serde_json::Value) -> Result<T, StoreError> {
    serde_json::from_value(v).map_err(|e| StoreError::Corrupt(e.to_string()))
}

impl AuditWriter for PgStore {
    type Db = Postgres;

    fn pool(&self) -> &PgPool {
        &self.pool
    }

    async fn upsert_contact(
        conn: &mut PgConnection,
        id: &str,
        lead: &Lead,
        _now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        sqlx::query!(
            "INSERT INTO leads (id, company_name, website, website_key, email, phone, country)
             VALUES ($1, $2, $3, $4, $5, $6, $7)
             ON CONFLICT (id) DO UPDATE SET
                 company_name = COALESCE(EXCLUDED.company_name, leads.company_name),
                 website      = COALESCE(EXCLUDED.website, leads.website),
                 website_key  = COALESCE(EXCLUDED.website_key, leads.website_key),
                 email        = COALESCE(EXCLUDED.email, leads.email),
                 phone        = COALESCE(EXCLUDED.phone, leads.phone),
                 country      = COALESCE(EXCLUDED.country, leads.country),
                 updated_at   = now()
             WHERE (leads.company_name, leads.website, leads.email, leads.phone, leads.country)
                   IS DISTINCT FROM (COALESCE(EXCLUDED.company_name, leads.company_name),
                                     COALESCE(EXCLUDED.website, leads.website),
                                     COALESCE(EXCLUDED.email, leads.email),
                                     COALESCE(EXCLUDED.phone, leads.phone),
                                     COALESCE(EXCLUDED.country, leads.country))",
            id,
            lead.company_name.as_deref(),
            lead.website(),
            lead.website().and_then(website_key),
            lead.email.as_deref(),
            lead.phone.as_deref(),
            lead.country.as_deref(),
        )
        .execute(&mut *conn)
        .await?;
        Ok(())
    }

    async fn insert_history(
        conn: &mut PgConnection,
        rec: &Recording<'_>,
    ) -> Result<bool, StoreError> {
        let result = rec.result;
        let inserted = sqlx::query_scalar!(
            "INSERT INTO lead_audits (lead_id, job_id, attempt, result, grade, points, audited_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7)
             ON CONFLICT (lead_id, job_id, attempt) DO NOTHING
             RETURNING id",
            rec.id,
            rec.job.map(|j| j.id),
            rec.job.map(|j| j.attempt),
            json(result)?,
            result.score.grade.as_str(),
            result.score.points,
            result.audited_at,
        )
        .fetch_optional(conn)
        .await?;
        Ok(inserted.is_some())
    }

    async fn update_summary(
        conn: &mut PgConnection,
        rec: &Recording<'_>,
    ) -> Result<bool, StoreError> {
        let result = rec.result;
        let updated = sqlx::query!(
            "UPDATE leads SET last_audited_at = $2, last_grade = $3, last_points = $4,
                              emails = $5, phones = $6, technologies = $7, updated_at = now()
             WHERE id = $1 AND (last_audited_at IS NULL OR last_audited_at < $2)",
            rec.id,
            result.audited_at,
            result.score.grade.as_str(),
            result.score.points,
            json(&result.emails)?,
            json(&result.phones)?,
            json(&result.technologies)?,
        )
        .execute(conn)
        .await?;
        Ok(updated.rows_affected() == 1)
    }
}

impl LeadStore for PgStore {
    async fn migrate(&self) -> Result<(), StoreError> {
        MIGRATOR.run(&self.pool).await?;
        Ok(())
    }

    async fn upsert_lead(&self, lead: &Lead) -> Result<String, StoreError> {
        record::upsert_lead(self, lead).await
    }

    async fn load_lead(&self, id: &str) -> Result<Option<Lead>, StoreError> {
        let row = sqlx::query!(
            "SELECT id, company_name, website, email, phone, country FROM leads WHERE id = $1",
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
        let Some(r) = sqlx::query!("SELECT * FROM leads WHERE id = $1", id)
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
            created_at: r.created_at,
            updated_at: r.updated_at,
            last_audited_at: r.last_audited_at,
            last_grade: r.last_grade.as_deref().map(parse_grade).transpose()?,
            last_points: r.last_points,
            emails: from_value(r.emails)?,
            phones: from_value(r.phones)?,
            technologies: from_value(r.technologies)?,
        }))
    }

    async fn last_audited(&self, lead: &Lead) -> Result<Option<DateTime<Utc>>, StoreError> {
        Ok(match Lookup::of(lead) {
            Some(Lookup::Site(site)) => {
                sqlx::query_scalar!(
                    "SELECT MAX(last_audited_at) FROM leads
                     WHERE md5(website_key) = md5($1) AND website_key = $1",
                    site
                )
                .fetch_one(&self.pool)
                .await?
            }
            Some(Lookup::Id(id)) => {
                sqlx::query_scalar!("SELECT last_audited_at FROM leads WHERE id = $1", id)
                    .fetch_optional(&self.pool)
                    .await?
                    .flatten()
            }
            None => None,
        })
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
            "SELECT id, lead_id, job_id, attempt, grade, points, audited_at, result
             FROM lead_audits WHERE lead_id = $1 ORDER BY id",
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
                    audited_at: r.audited_at,
                    result: from_value(r.result)?,
                })
            })
            .collect()
    }
}
