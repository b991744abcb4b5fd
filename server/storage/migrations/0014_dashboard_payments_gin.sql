-- The operation-type filter's GIN index, rebuilt without a pending list: with fastupdate on,
-- rows inserted since the last vacuum sit in a list every search reads in full, which after a
-- bulk load made this filter the slowest of the payments list.
DROP INDEX payments_by_operation_type;
CREATE INDEX payments_by_operation_type ON payments USING gin (operation_types) WITH (fastupdate = off);
