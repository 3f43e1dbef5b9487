-- +goose Up
-- Customers (客户): companies being sold to, created directly or by converting
-- a lead. owner_id is nullable for customer pools (a later slice);
-- department_id is the owner's department, copied here like on leads so the
-- department data scope filters on one indexed column (no foreign key, for the
-- same reason as on leads). company_key is the dedupe key of name, computed
-- like a lead's company key, so leads and customers meet on it. lead_id is the
-- lead this customer was converted from.
CREATE TABLE customers (
    id             TEXT PRIMARY KEY,
    tenant_id      TEXT NOT NULL REFERENCES tenants(id),
    name           TEXT NOT NULL,
    company_key    TEXT NOT NULL DEFAULT '',
    phone          TEXT NOT NULL DEFAULT '',
    phone_key      TEXT NOT NULL DEFAULT '',
    email          TEXT NOT NULL DEFAULT '',
    email_key      TEXT NOT NULL DEFAULT '',
    website        TEXT NOT NULL DEFAULT '',
    industry       TEXT NOT NULL DEFAULT '',
    size           TEXT NOT NULL DEFAULT '' CHECK (size IN ('', 'micro', 'small', 'medium', 'large', 'enterprise')),
    region         TEXT NOT NULL DEFAULT '',
    address        TEXT NOT NULL DEFAULT '',
    source         TEXT NOT NULL DEFAULT '',
    grade          TEXT CHECK (grade IN ('A', 'B', 'C', 'D')),
    score          INTEGER NOT NULL DEFAULT 0 CHECK (score BETWEEN 0 AND 100),
    key_customer   BOOLEAN NOT NULL DEFAULT FALSE,
    owner_id       TEXT REFERENCES users(id),
    department_id  TEXT,
    lead_id        TEXT REFERENCES leads(id),
    notes          TEXT NOT NULL DEFAULT '',
    created_by     TEXT NOT NULL,
    created_at     TIMESTAMP NOT NULL,
    updated_at     TIMESTAMP NOT NULL,
    version        INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX customers_tenant_id ON customers (tenant_id, id);
CREATE INDEX customers_tenant_name ON customers (tenant_id, name, id);
CREATE INDEX customers_tenant_owner ON customers (tenant_id, owner_id, id);
CREATE INDEX customers_tenant_department ON customers (tenant_id, department_id, id);
CREATE INDEX customers_tenant_phone_key ON customers (tenant_id, phone_key) WHERE phone_key <> '';
CREATE INDEX customers_tenant_email_key ON customers (tenant_id, email_key) WHERE email_key <> '';
CREATE INDEX customers_tenant_company_key ON customers (tenant_id, company_key) WHERE company_key <> '';

-- Contacts (联系人): the people of a customer. owner_id and department_id are
-- the customer's, copied (and kept in step when the customer changes hands)
-- so a contact is in a caller's data scope exactly when its customer is.
-- Deleting a customer deletes its contacts in the same transaction, each
-- with its own audit entry, so there is no ON DELETE CASCADE here.
CREATE TABLE contacts (
    id             TEXT PRIMARY KEY,
    tenant_id      TEXT NOT NULL REFERENCES tenants(id),
    customer_id    TEXT NOT NULL REFERENCES customers(id),
    name           TEXT NOT NULL,
    title          TEXT NOT NULL DEFAULT '',
    phone          TEXT NOT NULL DEFAULT '',
    phone_key      TEXT NOT NULL DEFAULT '',
    email          TEXT NOT NULL DEFAULT '',
    email_key      TEXT NOT NULL DEFAULT '',
    wechat         TEXT NOT NULL DEFAULT '',
    decision_role  TEXT CHECK (decision_role IN ('decision_maker', 'influencer', 'user', 'coach', 'blocker')),
    attitude       TEXT CHECK (attitude IN ('supportive', 'neutral', 'opposed')),
    is_primary     BOOLEAN NOT NULL DEFAULT FALSE,
    notes          TEXT NOT NULL DEFAULT '',
    owner_id       TEXT REFERENCES users(id),
    department_id  TEXT,
    created_by     TEXT NOT NULL,
    created_at     TIMESTAMP NOT NULL,
    updated_at     TIMESTAMP NOT NULL,
    version        INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX contacts_tenant_id ON contacts (tenant_id, id);
CREATE INDEX contacts_tenant_name ON contacts (tenant_id, name, id);
CREATE INDEX contacts_tenant_customer ON contacts (tenant_id, customer_id, id);
CREATE INDEX contacts_tenant_owner ON contacts (tenant_id, owner_id, id);
CREATE INDEX contacts_tenant_department ON contacts (tenant_id, department_id, id);
CREATE INDEX contacts_tenant_phone_key ON contacts (tenant_id, phone_key) WHERE phone_key <> '';
CREATE INDEX contacts_tenant_email_key ON contacts (tenant_id, email_key) WHERE email_key <> '';
-- At most one primary contact per customer.
CREATE UNIQUE INDEX contacts_customer_primary ON contacts (customer_id) WHERE is_primary;

-- A converted lead links to what it became. The links are the record of the
-- conversion: a customer or contact a lead points at cannot be deleted, and
-- neither can a converted lead (the service refuses with 409 first).
ALTER TABLE leads ADD COLUMN converted_customer_id TEXT REFERENCES customers(id);
ALTER TABLE leads ADD COLUMN converted_contact_id TEXT REFERENCES contacts(id);
ALTER TABLE leads ADD COLUMN converted_at TIMESTAMP;
CREATE INDEX leads_tenant_converted_customer ON leads (tenant_id, converted_customer_id) WHERE converted_customer_id IS NOT NULL;
CREATE INDEX leads_tenant_converted_contact ON leads (tenant_id, converted_contact_id) WHERE converted_contact_id IS NOT NULL;

-- +goose Down
DROP INDEX leads_tenant_converted_contact;
DROP INDEX leads_tenant_converted_customer;
ALTER TABLE leads DROP COLUMN converted_at;
ALTER TABLE leads DROP COLUMN converted_contact_id;
ALTER TABLE leads DROP COLUMN converted_customer_id;
DROP TABLE contacts;
DROP TABLE customers;
