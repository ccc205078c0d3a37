-- Live progress of a running ingest job, and the process running it: a job left `running` by a
-- process that has died is marked failed at the next start instead of running forever.
ALTER TABLE ingest_jobs ADD COLUMN progress jsonb;
ALTER TABLE ingest_jobs ADD COLUMN owner text;
