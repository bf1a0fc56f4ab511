-- "Has this tenant any file of this size?" asked before hashing a large file: answered from one index entry,
-- not by counting every file of that size (a batch of same-size files made each upload count all before it).
DROP INDEX files_size;
CREATE INDEX files_tenant_size ON files (tenant, size);
