-- +goose Up
-- Customer scoring (issue 3 §2). A tenant's scoring model is one JSON
-- document (rules, grade thresholds, key-customer rule, matrix bands) with a
-- version for If-Match; a tenant without a row scores with the built-in
-- default model (scoring.DefaultModel), so no seed insert is needed here.
CREATE TABLE scoring_models (
    tenant_id   TEXT PRIMARY KEY REFERENCES tenants(id),
    model       TEXT NOT NULL,
    updated_by  TEXT NOT NULL,
    updated_at  TIMESTAMP NOT NULL,
    version     INTEGER NOT NULL DEFAULT 1
);

-- The customer's annual revenue (minor units) for the revenue rule.
-- key_customer_manual is a person's decision on the key-customer flag: NULL
-- lets the model decide, TRUE/FALSE pins it (scoring never overrides it).
-- won_amount, open_pipeline (weighted) and activities_90d are the behaviour
-- metrics as of scored_at, in the model's currency: kept by scoring so the
-- value × potential matrix and its drill-down are plain indexed reads.
ALTER TABLE customers ADD COLUMN annual_revenue INTEGER NOT NULL DEFAULT 0 CHECK (annual_revenue >= 0);
ALTER TABLE customers ADD COLUMN revenue_currency TEXT NOT NULL DEFAULT 'CNY';
ALTER TABLE customers ADD COLUMN key_customer_manual BOOLEAN;
ALTER TABLE customers ADD COLUMN won_amount INTEGER NOT NULL DEFAULT 0;
ALTER TABLE customers ADD COLUMN open_pipeline INTEGER NOT NULL DEFAULT 0;
ALTER TABLE customers ADD COLUMN activities_90d INTEGER NOT NULL DEFAULT 0;
ALTER TABLE customers ADD COLUMN scored_at TIMESTAMP;
CREATE INDEX customers_tenant_won ON customers (tenant_id, won_amount, id);
CREATE INDEX customers_tenant_grade ON customers (tenant_id, grade, id);

-- +goose Down
DROP INDEX customers_tenant_grade;
DROP INDEX customers_tenant_won;
ALTER TABLE customers DROP COLUMN scored_at;
ALTER TABLE customers DROP COLUMN activities_90d;
ALTER TABLE customers DROP COLUMN open_pipeline;
ALTER TABLE customers DROP COLUMN won_amount;
ALTER TABLE customers DROP COLUMN key_customer_manual;
ALTER TABLE customers DROP COLUMN revenue_currency;
ALTER TABLE customers DROP COLUMN annual_revenue;
DROP TABLE scoring_models;
