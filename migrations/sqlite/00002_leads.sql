-- +goose Up
-- Leads: one row per prospective customer. owner_id is NULL while a lead sits
-- in a pool (a later slice); department_id is the owner's department when the
-- lead was assigned, copied here so the department data scope filters on one
-- indexed column. It has no foreign key on purpose: deleting an emptied
-- department must not fail because leads once belonged to it.
CREATE TABLE leads (
    id                 TEXT PRIMARY KEY,
    tenant_id          TEXT NOT NULL REFERENCES tenants(id),
    contact_name       TEXT NOT NULL,
    company            TEXT NOT NULL DEFAULT '',
    title              TEXT NOT NULL DEFAULT '',
    phone              TEXT NOT NULL DEFAULT '',
    email              TEXT NOT NULL DEFAULT '',
    wechat             TEXT NOT NULL DEFAULT '',
    source             TEXT NOT NULL DEFAULT '',
    region             TEXT NOT NULL DEFAULT '',
    industry           TEXT NOT NULL DEFAULT '',
    status             TEXT NOT NULL CHECK (status IN ('new', 'contacted', 'qualified', 'converted', 'disqualified')),
    disqualify_reason  TEXT NOT NULL DEFAULT '',
    owner_id           TEXT REFERENCES users(id),
    department_id      TEXT,
    last_follow_up_at  TIMESTAMP,
    next_follow_up_at  TIMESTAMP,
    score              INTEGER NOT NULL DEFAULT 0 CHECK (score BETWEEN 0 AND 100),
    notes              TEXT NOT NULL DEFAULT '',
    phone_key          TEXT NOT NULL DEFAULT '',
    email_key          TEXT NOT NULL DEFAULT '',
    company_key        TEXT NOT NULL DEFAULT '',
    created_by         TEXT NOT NULL,
    created_at         TIMESTAMP NOT NULL,
    updated_at         TIMESTAMP NOT NULL,
    version            INTEGER NOT NULL DEFAULT 1
);
-- Keyset lists: every sort ends in id, every filter leads with the tenant.
CREATE INDEX leads_tenant_id ON leads (tenant_id, id);
CREATE INDEX leads_tenant_status ON leads (tenant_id, status, id);
CREATE INDEX leads_tenant_owner ON leads (tenant_id, owner_id, id);
CREATE INDEX leads_tenant_department ON leads (tenant_id, department_id, id);
CREATE INDEX leads_tenant_last_follow_up ON leads (tenant_id, last_follow_up_at, id);
CREATE INDEX leads_tenant_next_follow_up ON leads (tenant_id, next_follow_up_at, id);
CREATE INDEX leads_tenant_score ON leads (tenant_id, score, id);
-- Dedupe lookups. Empty keys (no phone, no email) are the common case and
-- never match, so they stay out of the indexes.
CREATE INDEX leads_tenant_phone_key ON leads (tenant_id, phone_key) WHERE phone_key <> '';
CREATE INDEX leads_tenant_email_key ON leads (tenant_id, email_key) WHERE email_key <> '';
CREATE INDEX leads_tenant_company_key ON leads (tenant_id, company_key) WHERE company_key <> '';

-- +goose Down
DROP TABLE leads;
