-- +goose Up
-- Leads and customers carry their region by name. Renaming a region moves
-- the tenant's records of the old name to the new one (one UPDATE by
-- tenant and region), deleting one counts them first, and the lead list's
-- region filter reads them by name: without these indexes each read the
-- tenant's every lead or customer.
CREATE INDEX leads_tenant_region ON leads (tenant_id, region, id);
CREATE INDEX customers_tenant_region ON customers (tenant_id, region, id);

-- +goose Down
DROP INDEX customers_tenant_region;
DROP INDEX leads_tenant_region;
