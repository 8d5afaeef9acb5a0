-- PostgreSQL orders events without a global lock from this version on (see the Postgres
-- file of the same name). SQLite serializes writers itself, so its ids already become
-- visible in commit order; nothing changes here.
SELECT 1;
