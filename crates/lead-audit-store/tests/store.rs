//! One suite, run against PostgreSQL (a fresh database per test) and SQLite (a fresh file per
//! test): migrations, insert / load / update, idempotent history, concurrent audits of one
//! lead, and the freshness filter.

mod support;

use chrono::{Duration as Age, Utc};
use lead_audit_core::filter::prefilter;
use lead_audit_core::{Grade, Lead};
use lead_audit_store::{
    lead_key, JobRef, LeadStore, Store, StoreError, StoreOptions, DEFAULT_FRESHNESS,
};
use support::{micros, result, TestDb};

/// Runs each case once per backend, as `postgres::<case>` and `sqlite::<case>`.
macro_rules! suite {
    ($($case:ident),* $(,)?) => {
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $case() {
                    let db = crate::TestDb::postgres();
                    crate::$case(&db).await;
                }
            )*
        }
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $case() {
                    let db = crate::TestDb::sqlite();
                    crate::$case(&db).await;
                }
            )*
        }
    };
}

suite!(
    migrations_from_empty,
    insert_load_update,
    audits_update_the_lead_only_when_newer,
    repeated_attempt_is_recorded_once,
    concurrent_audits_of_one_lead,
    freshness_skip_and_force,
    website_past_the_index_entry_limit,
    first_schema_upgrades,
    latest_audit_of_each_lead,
);

async fn migrated(db: &TestDb) -> Store {
    let store = db.store().await;
    store.migrate().await.expect("migrate");
    store
}

async fn count(store: &Store, sql: &str) -> i64 {
    match store {
        Store::Postgres(s) => sqlx::query_scalar(sql).fetch_one(s.pool()).await,
        Store::Sqlite(s) => sqlx::query_scalar(sql).fetch_one(s.pool()).await,
    }
    .unwrap_or_else(|e| panic!("{sql}: {e}"))
}

fn backend_lead(id: &str) -> Lead {
    Lead {
        lead_id: Some(id.to_owned()),
        website: Some("https://acme-plumbing.example".into()),
        company_name: Some("Acme Plumbing".into()),
        email: Some("office@acme-plumbing.example".into()),
        phone: Some("+1 415 555 0132".into()),
        country: Some("US".into()),
        force: false,
    }
}

async fn migrations_from_empty(db: &TestDb) {
    let store = db.store().await;
    // Nothing exists yet: any query on the tables fails.
    assert!(store.load_lead("x").await.is_err());
    store.migrate().await.expect("first migrate");
    let applied = count(&store, "SELECT COUNT(*) FROM _sqlx_migrations").await;
    assert!(applied >= 1);
    assert_eq!(
        store.load_lead("x").await.expect("query after migrate"),
        None
    );
    store
        .upsert_lead(&backend_lead("m1"))
        .await
        .expect("insert");

    // Again, from this pool and from a new one: nothing changes, no data is lost.
    store.migrate().await.expect("second migrate");
    let again = db.store().await;
    again
        .migrate()
        .await
        .expect("migrate from a new connection");
    assert_eq!(
        count(&again, "SELECT COUNT(*) FROM _sqlx_migrations").await,
        applied
    );
    assert_eq!(count(&again, "SELECT COUNT(*) FROM leads").await, 1);
}

async fn insert_load_update(db: &TestDb) {
    let store = migrated(db).await;
    let lead = backend_lead("lead-1");
    assert_eq!(store.upsert_lead(&lead).await.expect("insert"), "lead-1");
    assert_eq!(
        store.load_lead("lead-1").await.expect("load"),
        Some(lead.clone())
    );

    // A partial update changes what it carries and keeps the rest.
    let partial = Lead {
        lead_id: Some("lead-1".into()),
        email: Some("sales@acme-plumbing.example".into()),
        ..Lead::default()
    };
    store.upsert_lead(&partial).await.expect("update");
    let loaded = store.load_lead("lead-1").await.expect("load").expect("row");
    assert_eq!(loaded.email.as_deref(), Some("sales@acme-plumbing.example"));
    assert_eq!(loaded.website, lead.website);
    assert_eq!(loaded.company_name, lead.company_name);

    let record = store
        .load_record("lead-1")
        .await
        .expect("record")
        .expect("row");
    assert_eq!(record.last_audited_at, None);
    assert_eq!(record.last_grade, None);
    assert!(record.emails.is_empty() && record.technologies.is_empty());
    assert!(record.updated_at >= record.created_at);

    // A lead without an id is stored under the id derived from its website.
    let cli = Lead::from_url("www.Example.com/");
    let id = store.upsert_lead(&cli).await.expect("insert CLI lead");
    assert_eq!(
        Some(id.clone()),
        lead_key(&Lead::from_url("https://example.com"))
    );
    let loaded = store.load_lead(&id).await.expect("load").expect("row");
    assert_eq!(loaded.website.as_deref(), Some("www.Example.com/"));

    let keyless = store.upsert_lead(&Lead::default()).await;
    assert!(
        matches!(keyless, Err(StoreError::KeylessLead)),
        "{keyless:?}"
    );
    assert_eq!(store.load_lead("missing").await.expect("load"), None);
    assert_eq!(count(&store, "SELECT COUNT(*) FROM leads").await, 2);
}

async fn audits_update_the_lead_only_when_newer(db: &TestDb) {
    let store = migrated(db).await;
    let lead = backend_lead("lead-2");
    let now = micros(Utc::now());
    let url = "https://acme-plumbing.example";

    // The lead row does not exist yet: recording creates it.
    let first = result(url, Grade::Hot, 70, now);
    let outcome = store
        .record_audit(&lead, &first, None)
        .await
        .expect("record");
    assert!(outcome.history_inserted && outcome.lead_updated);
    assert_eq!(outcome.lead_id, "lead-2");

    let record = store
        .load_record("lead-2")
        .await
        .expect("load")
        .expect("row");
    assert_eq!(record.last_audited_at, Some(now));
    assert_eq!(record.last_grade, Some(Grade::Hot));
    assert_eq!(record.last_points, Some(70));
    assert_eq!(record.emails, first.emails);
    assert_eq!(record.phones, vec!["+14155550132".to_owned()]);
    assert_eq!(record.technologies, first.technologies);

    // An older audit arriving late goes to the history but leaves the lead as it is.
    let late = result(url, Grade::Cold, 5, now - Age::hours(1));
    let outcome = store
        .record_audit(&lead, &late, None)
        .await
        .expect("record late");
    assert!(outcome.history_inserted && !outcome.lead_updated);
    let record = store
        .load_record("lead-2")
        .await
        .expect("load")
        .expect("row");
    assert_eq!(record.last_grade, Some(Grade::Hot));
    assert_eq!(record.last_audited_at, Some(now));

    // A newer one replaces the summary.
    let newer = result(url, Grade::Warm, 40, now + Age::minutes(5));
    let outcome = store
        .record_audit(&lead, &newer, None)
        .await
        .expect("record newer");
    assert!(outcome.history_inserted && outcome.lead_updated);
    let record = store
        .load_record("lead-2")
        .await
        .expect("load")
        .expect("row");
    assert_eq!(record.last_grade, Some(Grade::Warm));
    assert_eq!(record.last_points, Some(40));

    let history = store.history("lead-2").await.expect("history");
    let grades: Vec<Grade> = history.iter().map(|h| h.grade).collect();
    assert_eq!(grades, [Grade::Hot, Grade::Cold, Grade::Warm]);
    assert_eq!(history[0].result.url, url);
    let issue = serde_json::to_value(&history[0].result.audit.issues[0].id).expect("issue id");
    assert_eq!(issue, "no-viewport");
    assert_eq!(history[2].audited_at, now + Age::minutes(5));
    assert!(history
        .iter()
        .all(|h| h.job_id.is_none() && h.attempt.is_none()));

    // A skip must not refresh the freshness window or add history.
    let mut skipped = result(url, Grade::Cold, 0, now + Age::hours(1));
    skipped.skipped = Some("fresh".into());
    let outcome = store
        .record_audit(&lead, &skipped, None)
        .await
        .expect("skip");
    assert!(!outcome.history_inserted && !outcome.lead_updated);
    assert_eq!(store.history("lead-2").await.expect("history").len(), 3);
}

async fn repeated_attempt_is_recorded_once(db: &TestDb) {
    let store = migrated(db).await;
    let lead = backend_lead("lead-3");
    store.upsert_lead(&lead).await.expect("insert");
    let now = micros(Utc::now());
    let url = "https://acme-plumbing.example";
    let job = |attempt| {
        Some(JobRef {
            id: "job-7",
            attempt,
        })
    };

    let first = result(url, Grade::Warm, 35, now);
    let outcome = store
        .record_audit(&lead, &first, job(0))
        .await
        .expect("first");
    assert!(outcome.history_inserted && outcome.lead_updated);

    // The same attempt again (a stalled job re-run, or a crash before completion): the
    // recorded result stands, even though this one is newer.
    let rerun = result(url, Grade::Hot, 90, now + Age::seconds(30));
    let outcome = store
        .record_audit(&lead, &rerun, job(0))
        .await
        .expect("rerun");
    assert!(!outcome.history_inserted && !outcome.lead_updated);
    let history = store.history("lead-3").await.expect("history");
    assert_eq!(history.len(), 1);
    assert_eq!(
        (history[0].job_id.as_deref(), history[0].attempt),
        (Some("job-7"), Some(0))
    );
    let record = store
        .load_record("lead-3")
        .await
        .expect("load")
        .expect("row");
    assert_eq!(record.last_points, Some(35));

    // The next attempt of the same job is a new row.
    let outcome = store
        .record_audit(&lead, &rerun, job(1))
        .await
        .expect("retry");
    assert!(outcome.history_inserted && outcome.lead_updated);
    assert_eq!(store.history("lead-3").await.expect("history").len(), 2);
    let record = store
        .load_record("lead-3")
        .await
        .expect("load")
        .expect("row");
    assert_eq!(record.last_points, Some(90));
}

async fn concurrent_audits_of_one_lead(db: &TestDb) {
    let store = migrated(db).await;
    let lead = backend_lead("lead-4");
    let base = micros(Utc::now());
    let url = "https://acme-plumbing.example";
    // Spread the times so the newest audit is neither the first nor the last task spawned.
    let minute = |i: i64| (i * 7) % 20;

    let mut tasks = Vec::new();
    for i in 0..20i64 {
        let (store, lead) = (store.clone(), lead.clone());
        let res = result(
            url,
            Grade::Warm,
            minute(i) as i32,
            base + Age::minutes(minute(i)),
        );
        let job_id = format!("job-{i}");
        tasks.push(tokio::spawn(async move {
            let job = Some(JobRef {
                id: &job_id,
                attempt: 0,
            });
            store.record_audit(&lead, &res, job).await
        }));
    }
    // Twenty workers re-running one attempt of one job.
    for _ in 0..20 {
        let (store, lead) = (store.clone(), lead.clone());
        let res = result(url, Grade::Cold, -1, base - Age::hours(1));
        tasks.push(tokio::spawn(async move {
            let job = Some(JobRef {
                id: "same-job",
                attempt: 3,
            });
            store.record_audit(&lead, &res, job).await
        }));
    }
    let outcomes: Vec<_> = futures::future::join_all(tasks)
        .await
        .into_iter()
        .map(|joined| joined.expect("task").expect("record_audit"))
        .collect();

    let inserted = outcomes.iter().filter(|o| o.history_inserted).count();
    assert_eq!(
        inserted, 21,
        "20 distinct jobs and one of the 20 identical attempts"
    );
    let history = store.history("lead-4").await.expect("history");
    assert_eq!(history.len(), 21);
    let same = history
        .iter()
        .filter(|h| h.job_id.as_deref() == Some("same-job"))
        .count();
    assert_eq!(same, 1);

    let record = store
        .load_record("lead-4")
        .await
        .expect("load")
        .expect("row");
    assert_eq!(record.last_audited_at, Some(base + Age::minutes(19)));
    assert_eq!(record.last_points, Some(19));
    assert_eq!(record.lead, lead);
    assert_eq!(count(&store, "SELECT COUNT(*) FROM leads").await, 1);
}

async fn freshness_skip_and_force(db: &TestDb) {
    let store = migrated(db).await;
    let now = Utc::now();
    let url = "https://acme-plumbing.example";

    // Never audited: nothing stored, nothing skipped.
    let fresh_lead = backend_lead("lead-5");
    assert_eq!(store.last_audited(&fresh_lead).await.expect("lookup"), None);
    assert_eq!(
        store
            .skip_reason(&fresh_lead, DEFAULT_FRESHNESS)
            .await
            .expect("skip"),
        None
    );

    let two_hours_ago = micros(now - Age::hours(2));
    let res = result(url, Grade::Hot, 60, two_hours_ago);
    store
        .record_audit(&fresh_lead, &res, None)
        .await
        .expect("record");
    let last = store.last_audited(&fresh_lead).await.expect("lookup");
    assert_eq!(last, Some(two_hours_ago));
    let reason = prefilter(&fresh_lead, last, DEFAULT_FRESHNESS, Utc::now());
    assert!(
        reason.as_deref().is_some_and(|r| r.starts_with("fresh")),
        "{reason:?}"
    );
    let reason = store
        .skip_reason(&fresh_lead, DEFAULT_FRESHNESS)
        .await
        .expect("skip");
    assert!(reason.is_some_and(|r| r.starts_with("fresh")));

    // `force` audits anyway; a shorter window lets it through too.
    let forced = Lead {
        force: true,
        ..fresh_lead.clone()
    };
    assert_eq!(
        store
            .skip_reason(&forced, DEFAULT_FRESHNESS)
            .await
            .expect("skip"),
        None
    );
    let hour = std::time::Duration::from_secs(3600);
    assert_eq!(
        store.skip_reason(&fresh_lead, hour).await.expect("skip"),
        None
    );

    // Audited 25 h ago: stale, audited again.
    let stale_lead = backend_lead("lead-6");
    let res = result(url, Grade::Cold, 0, micros(now - Age::hours(25)));
    store
        .record_audit(&stale_lead, &res, None)
        .await
        .expect("record");
    assert_eq!(
        store
            .skip_reason(&stale_lead, DEFAULT_FRESHNESS)
            .await
            .expect("skip"),
        None
    );

    // A lead without an id is found by its website, however it is spelled.
    let cli = Lead::from_url("https://www.cli-only.example/");
    let res = result(
        "https://www.cli-only.example/",
        Grade::Warm,
        30,
        micros(now),
    );
    store
        .record_audit(&cli, &res, None)
        .await
        .expect("record CLI lead");
    let respelled = Lead::from_url("cli-only.example");
    assert_eq!(
        store.last_audited(&respelled).await.expect("lookup"),
        Some(micros(now))
    );
    let reason = store
        .skip_reason(&respelled, DEFAULT_FRESHNESS)
        .await
        .expect("skip");
    assert!(reason.is_some_and(|r| r.starts_with("fresh")));
    let other = Lead::from_url("cli-only.example/other-page");
    assert_eq!(store.last_audited(&other).await.expect("lookup"), None);
}

async fn website_past_the_index_entry_limit(db: &TestDb) {
    let store = migrated(db).await;
    // About 10 KB of path that does not compress: well past PostgreSQL's btree entry limit
    // (2704 bytes), so an index on the key itself could not hold it.
    let segments: Vec<String> = (0..310)
        .map(|_| uuid::Uuid::new_v4().simple().to_string())
        .collect();
    let url = format!("https://long-url.example/{}", segments.join("/"));
    assert!(url.len() > 10_000, "{}", url.len());
    let now = micros(Utc::now());
    let res = result(&url, Grade::Warm, 30, now);
    let job = Some(JobRef {
        id: "job-long",
        attempt: 0,
    });

    // A lead known only by its website, and a backend lead with the same website.
    let by_site = Lead::from_url(&url);
    let backend = Lead {
        website: Some(url.clone()),
        ..backend_lead("lead-long")
    };
    for lead in [&by_site, &backend] {
        let outcome = store
            .record_audit(lead, &res, job)
            .await
            .expect("record a 10 KB URL");
        assert!(outcome.history_inserted && outcome.lead_updated);
        let loaded = store
            .load_lead(&outcome.lead_id)
            .await
            .expect("load")
            .expect("row");
        assert_eq!(loaded.website.as_deref(), Some(url.as_str()));

        // The same job attempt again: recorded once.
        let again = store
            .record_audit(lead, &res, job)
            .await
            .expect("record again");
        assert_eq!(again.lead_id, outcome.lead_id);
        assert!(!again.history_inserted && !again.lead_updated);
        let history = store.history(&outcome.lead_id).await.expect("history");
        assert_eq!(history.len(), 1);
        assert_eq!(history[0].result.url, url);
    }

    // Found by its website, respelled; a site that differs in its last character is not.
    let respelled = Lead::from_url(url.replacen("https://", "HTTP://www.", 1));
    assert_eq!(
        store.last_audited(&respelled).await.expect("lookup"),
        Some(now)
    );
    let mut other = url.clone();
    other.pop();
    other.push('x');
    assert_eq!(
        store
            .last_audited(&Lead::from_url(other))
            .await
            .expect("lookup"),
        None
    );
    assert_eq!(count(&store, "SELECT COUNT(*) FROM leads").await, 2);
}

/// A database made by the first release (only the first migration applied, a lead in it)
/// takes the later migrations and keeps its data findable.
async fn first_schema_upgrades(db: &TestDb) {
    let store = db.store().await;
    let backend = match &store {
        Store::Postgres(_) => "postgres",
        Store::Sqlite(_) => "sqlite",
    };
    let all = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("migrations")
        .join(backend);
    let mut files: Vec<_> = std::fs::read_dir(&all)
        .expect("migrations")
        .map(|e| e.expect("entry").path())
        .collect();
    files.sort();
    let first = tempfile::tempdir().expect("tempdir");
    let name = files[0].file_name().expect("file name");
    std::fs::copy(&files[0], first.path().join(name)).expect("copy");
    let old = sqlx::migrate::Migrator::new(first.path())
        .await
        .expect("first migration");
    match &store {
        Store::Postgres(s) => old.run(s.pool()).await,
        Store::Sqlite(s) => old.run(s.pool()).await,
    }
    .expect("apply the first migration");
    let lead = Lead::from_url("https://upgraded.example/");
    let at = micros(Utc::now());
    store
        .record_audit(
            &lead,
            &result("https://upgraded.example/", Grade::Hot, 80, at),
            None,
        )
        .await
        .expect("record in the old schema");

    store.migrate().await.expect("upgrade");
    assert_eq!(
        count(&store, "SELECT COUNT(*) FROM _sqlx_migrations").await,
        files.len() as i64
    );
    assert_eq!(
        store
            .last_audited(&Lead::from_url("upgraded.example"))
            .await
            .expect("lookup"),
        Some(at)
    );
}

#[tokio::test]
async fn postgres_down_is_unavailable() {
    let options = StoreOptions {
        acquire_timeout: std::time::Duration::from_secs(2),
        ..StoreOptions::default()
    };
    // Port 1 on loopback: nothing listens there.
    let err = Store::connect("postgres://postgres@127.0.0.1:1/test", options)
        .await
        .expect_err("no server");
    assert!(err.is_transient(), "{err:?}");
    assert_eq!(err.kind(), "unavailable");
}

#[tokio::test]
async fn postgres_statement_timeout_applies() {
    let db = TestDb::postgres();
    let options = StoreOptions {
        statement_timeout: std::time::Duration::from_millis(200),
        ..StoreOptions::default()
    };
    let Store::Postgres(store) = Store::connect(&db.url, options).await.expect("connect") else {
        panic!("a postgres URL gives a PostgreSQL store");
    };
    let setting: String = sqlx::query_scalar("SHOW statement_timeout")
        .fetch_one(store.pool())
        .await
        .expect("show");
    assert_eq!(setting, "200ms");
    let err = sqlx::query("SELECT pg_sleep(30)")
        .execute(store.pool())
        .await
        .map_err(StoreError::from)
        .expect_err("cancelled by statement_timeout");
    assert_eq!(err.kind(), "unavailable", "{err:?}");
}

#[tokio::test]
async fn sqlite_file_is_created() {
    let db = TestDb::sqlite();
    let path = db.url.trim_start_matches("sqlite://").to_owned();
    assert!(!std::path::Path::new(&path).exists());
    let store = migrated(&db).await;
    assert!(std::path::Path::new(&path).exists());
    assert!(matches!(store, Store::Sqlite(_)));
}

#[tokio::test]
async fn postgres_schema_of_its_own() {
    let db = TestDb::postgres();
    let setup = db.store().await;
    let Store::Postgres(pg) = &setup else {
        panic!("a postgres URL gives a PostgreSQL store");
    };
    sqlx::query("CREATE SCHEMA lead_audit")
        .execute(pg.pool())
        .await
        .expect("create schema");
    let url = format!("{}?options[search_path]=lead_audit", db.url);
    let store = Store::connect(&url, StoreOptions::default())
        .await
        .expect("connect");
    store.migrate().await.expect("migrate into the schema");
    store
        .upsert_lead(&backend_lead("in-schema"))
        .await
        .expect("insert");
    let in_schema = count(&setup, "SELECT COUNT(*) FROM lead_audit.leads").await;
    assert_eq!(in_schema, 1);
    let public = count(
        &setup,
        "SELECT COUNT(*) FROM information_schema.tables \
         WHERE table_schema = 'public' AND table_name = 'leads'",
    )
    .await;
    assert_eq!(public, 0);
}

async fn latest_audit_of_each_lead(db: &TestDb) {
    let store = migrated(db).await;
    let now = micros(Utc::now());
    let acme = backend_lead("lead-acme");
    let other = Lead::from_url("https://other.example");
    let old = result("https://acme.example", Grade::Cold, 10, now - Age::hours(2));
    let new = result("https://acme.example", Grade::Hot, 80, now - Age::hours(1));
    let latest = result("https://other.example", Grade::Warm, 40, now);
    store
        .record_audit(&acme, &new, None)
        .await
        .expect("record new");
    // Recorded after, yet older: the newer audit stays the lead's latest.
    store
        .record_audit(&acme, &old, None)
        .await
        .expect("record old");
    store
        .record_audit(&other, &latest, None)
        .await
        .expect("record other");

    let rows = store.latest_audits(10).await.expect("latest");
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0].result.url, "https://other.example");
    assert_eq!(rows[1].lead_id, "lead-acme");
    assert_eq!(rows[1].result.score.points, 80);
    assert_eq!(rows[1].company_name, acme.company_name);
    assert_eq!(rows[1].country, acme.country);
    assert_eq!(store.latest_audits(1).await.expect("limited").len(), 1);
}
