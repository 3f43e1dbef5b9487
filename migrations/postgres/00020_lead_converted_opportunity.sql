-- +goose Up
-- A lead converted with an opportunity links to it too, like the customer
-- and contact it became (migration 00003). Deleting that opportunity clears
-- the link (the deal service does it, with an audit entry on the lead), so
-- no ON DELETE action here.
ALTER TABLE leads ADD COLUMN converted_opportunity_id TEXT REFERENCES opportunities(id);
CREATE INDEX leads_tenant_converted_opportunity ON leads (tenant_id, converted_opportunity_id) WHERE converted_opportunity_id IS NOT NULL;

-- The import that created a lead: an import writes one audit entry, not one
-- per lead it creates, so a lead's history names its import from here.
-- Never looked up by import, so no index (every import row would pay for it).
ALTER TABLE leads ADD COLUMN import_id TEXT REFERENCES imports(id);

-- +goose Down
ALTER TABLE leads DROP COLUMN import_id;
DROP INDEX leads_tenant_converted_opportunity;
ALTER TABLE leads DROP COLUMN converted_opportunity_id;
