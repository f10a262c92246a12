-- Leads and their append-only audit history (SPEC §6).

CREATE TABLE leads (
    -- The backend's lead id, or a name-based UUID derived from the website for CLI leads.
    id              TEXT PRIMARY KEY,
    company_name    TEXT,
    website         TEXT,
    -- Normalised website (host without `www.`, path without trailing slash): finds a lead by site.
    website_key     TEXT,
    email           TEXT,
    phone           TEXT,
    country         TEXT,
    created_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    last_audited_at TIMESTAMPTZ,
    last_grade      TEXT CHECK (last_grade IN ('HOT', 'WARM', 'COLD')),
    last_points     INTEGER,
    emails          JSONB NOT NULL DEFAULT '[]'::jsonb,
    phones          JSONB NOT NULL DEFAULT '[]'::jsonb,
    technologies    JSONB NOT NULL DEFAULT '[]'::jsonb
);

CREATE INDEX leads_website_key_idx ON leads (website_key);
CREATE INDEX leads_last_audited_at_idx ON leads (last_audited_at);

CREATE TABLE lead_audits (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    lead_id     TEXT NOT NULL REFERENCES leads (id) ON DELETE CASCADE,
    -- BullMQ job id and attempt; both NULL for audits run outside a queue (CLI).
    job_id      TEXT,
    attempt     INTEGER,
    result      JSONB NOT NULL,
    grade       TEXT NOT NULL CHECK (grade IN ('HOT', 'WARM', 'COLD')),
    points      INTEGER NOT NULL,
    audited_at  TIMESTAMPTZ NOT NULL,
    recorded_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    CONSTRAINT lead_audits_job_attempt_key UNIQUE (lead_id, job_id, attempt),
    CONSTRAINT lead_audits_job_attempt_paired CHECK ((job_id IS NULL) = (attempt IS NULL))
);

CREATE INDEX lead_audits_lead_id_audited_at_idx ON lead_audits (lead_id, audited_at DESC);
