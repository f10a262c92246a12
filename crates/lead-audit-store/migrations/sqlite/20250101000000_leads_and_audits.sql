-- Leads and their append-only audit history (SPEC §6).
-- Timestamps are TEXT in one fixed RFC 3339 form (`2025-01-31T09:15:00.123456Z`), written by the
-- application, so that text order is time order. JSON columns are TEXT checked by json_valid.

CREATE TABLE leads (
    id              TEXT PRIMARY KEY NOT NULL,
    company_name    TEXT,
    website         TEXT,
    website_key     TEXT,
    email           TEXT,
    phone           TEXT,
    country         TEXT,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    last_audited_at TEXT,
    last_grade      TEXT CHECK (last_grade IN ('HOT', 'WARM', 'COLD')),
    last_points     INTEGER,
    emails          TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(emails)),
    phones          TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(phones)),
    technologies    TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(technologies))
);

CREATE INDEX leads_website_key_idx ON leads (website_key);
CREATE INDEX leads_last_audited_at_idx ON leads (last_audited_at);

CREATE TABLE lead_audits (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    lead_id     TEXT NOT NULL REFERENCES leads (id) ON DELETE CASCADE,
    job_id      TEXT,
    attempt     INTEGER,
    result      TEXT NOT NULL CHECK (json_valid(result)),
    grade       TEXT NOT NULL CHECK (grade IN ('HOT', 'WARM', 'COLD')),
    points      INTEGER NOT NULL,
    audited_at  TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    CONSTRAINT lead_audits_job_attempt_key UNIQUE (lead_id, job_id, attempt),
    CONSTRAINT lead_audits_job_attempt_paired CHECK ((job_id IS NULL) = (attempt IS NULL))
);

CREATE INDEX lead_audits_lead_id_audited_at_idx ON lead_audits (lead_id, audited_at DESC);
