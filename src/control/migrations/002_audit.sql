-- Hash-chained audit log (留痕). hash = sha256(prev_hash || canonical JSON of the event).
CREATE TABLE audit_events (
  seq bigint PRIMARY KEY,
  id uuid NOT NULL UNIQUE,
  ts timestamptz NOT NULL,
  actor_id uuid,
  actor_name text NOT NULL,
  actor_department_id uuid,
  action text NOT NULL,
  object_type text NOT NULL,
  object_id text,
  department_id uuid,
  subject_keys text[] NOT NULL DEFAULT '{}',
  details jsonb NOT NULL DEFAULT '{}',
  prev_hash text NOT NULL,
  hash text NOT NULL
);
CREATE INDEX audit_events_ts ON audit_events(ts);
CREATE INDEX audit_events_action ON audit_events(action);
CREATE INDEX audit_events_object ON audit_events(object_type, object_id);

-- Signed checkpoints: an Ed25519 signature (key kept outside the database) over (seq, hash).
CREATE TABLE audit_checkpoints (
  seq bigint PRIMARY KEY,
  hash text NOT NULL,
  ts timestamptz NOT NULL,
  key_id text NOT NULL,
  signature text NOT NULL
);
