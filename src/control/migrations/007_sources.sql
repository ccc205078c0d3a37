-- Connectors (汇聚): department databases and MQTT sensors feeding datasets, their runs, the push
-- API's idempotency records, and notices to people (a failing source, …).

-- A source feeds one dataset. `settings` holds everything but the password, which is kept in
-- `secret` encrypted with AES-256-GCM (key from GOVHUB_SECRET_KEY); `state` is what the last
-- committed version reached (the incremental cursor, the last sensor journal segment). The lease
-- (`run_owner`, `run_expires`) keeps one run of a source at a time across API servers.
CREATE TABLE sources (
  id uuid PRIMARY KEY,
  name text NOT NULL,
  dataset_id uuid NOT NULL REFERENCES datasets(id),
  kind text NOT NULL CHECK (kind IN ('mysql','postgres','mqtt')),
  settings jsonb NOT NULL DEFAULT '{}',
  secret text,
  schedule text,
  enabled boolean NOT NULL DEFAULT true,
  state jsonb NOT NULL DEFAULT '{}',
  run_owner text,
  run_expires timestamptz,
  created_by uuid,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (dataset_id, name)
);
CREATE INDEX sources_dataset ON sources(dataset_id);

-- One run of a source (scheduled, run now, or a sensor batch), with counts, duration and errors.
CREATE TABLE source_runs (
  id uuid PRIMARY KEY,
  source_id uuid NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
  trigger text NOT NULL CHECK (trigger IN ('schedule','manual','sensor')),
  status text NOT NULL CHECK (status IN ('running','succeeded','failed')),
  owner text,
  started_at timestamptz NOT NULL DEFAULT now(),
  finished_at timestamptz,
  rows_read bigint NOT NULL DEFAULT 0,
  rows_accepted bigint NOT NULL DEFAULT 0,
  rows_rejected bigint NOT NULL DEFAULT 0,
  versions int NOT NULL DEFAULT 0,
  job_ids jsonb NOT NULL DEFAULT '[]',
  cursor_from text,
  cursor_to text,
  progress jsonb,
  attempts int NOT NULL DEFAULT 1,
  error text,
  created_by uuid
);
CREATE INDEX source_runs_source ON source_runs(source_id, started_at DESC);
CREATE INDEX source_runs_running ON source_runs(status) WHERE status = 'running';

-- Push API: what a request with an Idempotency-Key answered, written in the transaction of the
-- version it created, so a retried request never writes twice.
CREATE TABLE push_requests (
  dataset_id uuid NOT NULL REFERENCES datasets(id),
  scope text NOT NULL,
  key text NOT NULL,
  request_hash text NOT NULL,
  status text NOT NULL CHECK (status IN ('pending','done')),
  response jsonb,
  created_at timestamptz NOT NULL DEFAULT now(),
  finished_at timestamptz,
  PRIMARY KEY (dataset_id, scope, key)
);
CREATE INDEX push_requests_created ON push_requests(created_at);

-- Notices (站内通知) to one user. Repeats of an unread notice about the same object are folded into it.
CREATE TABLE notices (
  id uuid PRIMARY KEY,
  user_id uuid NOT NULL REFERENCES users(id),
  kind text NOT NULL,
  title text NOT NULL,
  body text NOT NULL DEFAULT '',
  object_type text,
  object_id text,
  department_id uuid,
  count int NOT NULL DEFAULT 1,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  read_at timestamptz
);
CREATE INDEX notices_user ON notices(user_id, read_at, updated_at DESC);
