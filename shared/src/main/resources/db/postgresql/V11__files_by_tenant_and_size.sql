-- See SQLite's V8: the duplicate check by size reads one index entry of the tenant's.
DROP INDEX files_size;
CREATE INDEX files_tenant_size ON files (tenant, size);
