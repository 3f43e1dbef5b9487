-- +goose Up
-- Substring search over a lead's name, company, phone and e-mail without
-- reading every lead: a pg_trgm GIN index over the four columns lower-cased
-- and joined by a control character (which a search term never holds, so a
-- match never spans two columns). The list query uses the same expression
-- with LIKE '%term%', so it works, only slower, where the index is missing.
--
-- pg_trgm is a trusted extension (PostgreSQL 13+): a role with CREATE on
-- the database may install it. It is installed once per database, in
-- public where that schema exists (a schema per test must not own it),
-- under a lock so concurrent migrations do not race. Without the
-- privilege the migration goes on without the index and says so.
-- +goose StatementBegin
DO $$
DECLARE
    s text;
BEGIN
    PERFORM pg_advisory_xact_lock(hashtext('rudder.pg_trgm'));
    SELECT n.nspname INTO s FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
        WHERE e.extname = 'pg_trgm';
    IF s IS NULL THEN
        s := CASE WHEN EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = 'public') THEN 'public' ELSE current_schema() END;
        BEGIN
            EXECUTE format('CREATE EXTENSION pg_trgm SCHEMA %I', s);
        EXCEPTION WHEN insufficient_privilege OR undefined_file OR feature_not_supported THEN
            RAISE WARNING 'pg_trgm is not available (%): lead search reads every lead', SQLERRM;
            RETURN;
        END;
    END IF;
    EXECUTE format('CREATE INDEX leads_search ON leads USING gin ((lower(contact_name || chr(31) || company || chr(31) || phone || chr(31) || email)) %I.gin_trgm_ops)', s);
END
$$;
-- +goose StatementEnd

-- +goose Down
DROP INDEX IF EXISTS leads_search;
