-- Which way a database source's run read: every row (`full`, also the periodic full refresh of an
-- incremental source, which is how rows deleted at the source leave the dataset) or past the cursor.
ALTER TABLE source_runs ADD COLUMN mode text CHECK (mode IN ('full', 'incremental'));
