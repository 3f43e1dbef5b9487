-- +goose Up
-- Web-to-lead forms: a public page per form at /f/{token}. A submitted lead
-- lands in pool_id; with target 'rules' the assignment rules then route it
-- as they route any lead (a lead no rule gives to a rep goes to the nearest
-- pool of the department, normally the same pool).
-- pool_id has no foreign key: deleting an emptied pool must not fail because
-- a form names it (the form then answers that it is not available until an
-- admin picks another pool). token is the public secret; rotating it
-- retires the old link. rate_limit_per_hour bounds submissions to the form
-- from everyone together; spam_blocked counts honeypot hits.
CREATE TABLE web_forms (
    id                   TEXT PRIMARY KEY,
    tenant_id            TEXT NOT NULL REFERENCES tenants(id),
    name                 TEXT NOT NULL,
    enabled              BOOLEAN NOT NULL DEFAULT TRUE,
    target               TEXT NOT NULL CHECK (target IN ('rules', 'pool')),
    pool_id              TEXT NOT NULL,
    default_source       TEXT NOT NULL DEFAULT '',
    default_industry     TEXT NOT NULL DEFAULT '',
    default_region       TEXT NOT NULL DEFAULT '',
    rate_limit_per_hour  INTEGER NOT NULL DEFAULT 100 CHECK (rate_limit_per_hour > 0),
    token                TEXT NOT NULL,
    submissions          INTEGER NOT NULL DEFAULT 0,
    spam_blocked         INTEGER NOT NULL DEFAULT 0,
    created_by           TEXT NOT NULL,
    created_at           TIMESTAMPTZ NOT NULL,
    updated_at           TIMESTAMPTZ NOT NULL,
    version              BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX web_forms_tenant_id ON web_forms (tenant_id, id);
CREATE UNIQUE INDEX web_forms_token ON web_forms (token);

-- Recent submissions (and honeypot hits) per form and address, for the rate
-- limits; kept in the database so every instance counts the same. Rows
-- older than the longest window are deleted as new ones arrive.
CREATE TABLE web_form_hits (
    id       TEXT PRIMARY KEY,
    form_id  TEXT NOT NULL,
    ip       TEXT NOT NULL,
    at       TIMESTAMPTZ NOT NULL
);
CREATE INDEX web_form_hits_form_at ON web_form_hits (form_id, at);
CREATE INDEX web_form_hits_form_ip_at ON web_form_hits (form_id, ip, at);

-- One row per lead a form created; duplicates is how many existing leads or
-- customers shared a key with it (a public visitor is never refused for a
-- duplicate, so the flag is kept here for the staff).
CREATE TABLE web_form_submissions (
    id          TEXT PRIMARY KEY,
    tenant_id   TEXT NOT NULL REFERENCES tenants(id),
    form_id     TEXT NOT NULL,
    lead_id     TEXT NOT NULL,
    duplicates  INTEGER NOT NULL DEFAULT 0,
    ip          TEXT NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX web_form_submissions_tenant_form ON web_form_submissions (tenant_id, form_id, id);

-- +goose Down
DROP TABLE web_form_submissions;
DROP TABLE web_form_hits;
DROP TABLE web_forms;
