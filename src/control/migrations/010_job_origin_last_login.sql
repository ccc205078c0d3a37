-- Where an ingest job came from (an upload in the console, the govhub command, a connector source,
-- the push API, the demo city) and the source that ran it; and when each user last logged in.
ALTER TABLE ingest_jobs ADD COLUMN origin text NOT NULL DEFAULT 'upload' CHECK (origin IN ('upload','cli','source','push','demo'));
CREATE INDEX ingest_jobs_origin ON ingest_jobs(origin, created_at DESC);
ALTER TABLE users ADD COLUMN last_login_at timestamptz;
