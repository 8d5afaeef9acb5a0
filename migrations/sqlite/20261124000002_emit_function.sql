-- PostgreSQL gets a function that appends an event in one round trip (see the Postgres file
-- of the same name). SQLite serializes writers itself and needs nothing here.
SELECT 1;
