-- A website key can be longer than a btree index entry may be (2704 bytes; a lead's URL can be
-- many KB), which failed every write of such a lead. Index the key's MD5 instead: lookups
-- match `md5(website_key) = md5($1) AND website_key = $1`, the second test for the rare
-- collision.
DROP INDEX leads_website_key_idx;
CREATE INDEX leads_website_key_md5_idx ON leads (md5(website_key));
