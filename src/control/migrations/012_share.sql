-- Sharing between departments (共享): requests under the national rules, grants, usage, access alerts.

-- A department asks for another department's dataset: purpose, fields, an optional row filter, a period.
CREATE TABLE share_requests (
  id uuid PRIMARY KEY,
  dataset_id uuid NOT NULL REFERENCES datasets(id),
  -- who reads: a department, or (for a platform admin outside any department) the admin themself
  consumer_department_id uuid REFERENCES departments(id),
  consumer_user_id uuid REFERENCES users(id),
  requested_by uuid REFERENCES users(id),
  requested_by_name text NOT NULL,
  purpose text NOT NULL,
  fields text[] NOT NULL,
  filter jsonb,
  masks jsonb NOT NULL DEFAULT '{}',
  valid_from timestamptz NOT NULL,
  valid_until timestamptz NOT NULL,
  status text NOT NULL CHECK (status IN ('pending','approved','rejected','withdrawn')),
  -- conditional requests: the owner decides within 10 working days
  due_at timestamptz,
  reminded_at timestamptz,
  decided_by uuid REFERENCES users(id),
  decided_by_name text,
  decided_at timestamptz,
  reason text,
  created_at timestamptz NOT NULL,
  CHECK (consumer_department_id IS NOT NULL OR consumer_user_id IS NOT NULL)
);
CREATE INDEX share_requests_dataset ON share_requests(dataset_id, status);
CREATE INDEX share_requests_consumer ON share_requests(consumer_department_id, status);

-- What a consumer department may read: fields, rows, masks, period, quotas. Revocable.
CREATE TABLE share_grants (
  id uuid PRIMARY KEY,
  request_id uuid REFERENCES share_requests(id),
  dataset_id uuid NOT NULL REFERENCES datasets(id),
  consumer_department_id uuid REFERENCES departments(id),
  consumer_user_id uuid REFERENCES users(id),
  purpose text NOT NULL,
  fields text[] NOT NULL,
  filter jsonb,
  -- field → mask kind, for every granted field whose level masks it (absent: shown as it is)
  masks jsonb NOT NULL DEFAULT '{}',
  -- masks loosened below the level's default, with the owner's reason: [{field, from, to}]
  loosened jsonb NOT NULL DEFAULT '[]',
  -- the application tokens the grant is bound to; NULL: every user and token of the department
  token_ids uuid[],
  valid_from timestamptz NOT NULL,
  valid_until timestamptz NOT NULL,
  rate_per_minute integer,
  rows_per_day bigint,
  -- granted on request because the dataset was shared unconditionally: void once it no longer is
  automatic boolean NOT NULL DEFAULT false,
  granted_by uuid REFERENCES users(id),
  granted_by_name text NOT NULL,
  reason text,
  created_at timestamptz NOT NULL,
  revoked_at timestamptz,
  revoked_by_name text,
  revoke_reason text,
  CHECK (consumer_department_id IS NOT NULL OR consumer_user_id IS NOT NULL)
);
CREATE INDEX share_grants_lookup ON share_grants(dataset_id, consumer_department_id);
CREATE INDEX share_grants_dataset ON share_grants(dataset_id);

-- Reads and rows per grant per day (Asia/Shanghai): quotas and usage charts.
CREATE TABLE share_usage (
  grant_id uuid NOT NULL REFERENCES share_grants(id),
  day date NOT NULL,
  reads bigint NOT NULL DEFAULT 0,
  rows bigint NOT NULL DEFAULT 0,
  off_hours_rows bigint NOT NULL DEFAULT 0,
  PRIMARY KEY (grant_id, day)
);

-- Access anomalies (pulls beyond a grant's norm, off-hours bulk reads, many persons in a short time).
CREATE TABLE access_alerts (
  id uuid PRIMARY KEY,
  kind text NOT NULL,
  grant_id uuid REFERENCES share_grants(id),
  dataset_id uuid REFERENCES datasets(id),
  department_id uuid REFERENCES departments(id),
  actor_name text NOT NULL,
  details jsonb NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL,
  acknowledged_at timestamptz,
  acknowledged_by_name text
);
CREATE INDEX access_alerts_open ON access_alerts(created_at) WHERE acknowledged_at IS NULL;

-- "Who used my data": the citizen's subject key (keyed pseudonym of the ID number) is in every
-- read event that returned their rows; this index makes the lookup exact and cheap.
CREATE INDEX audit_events_subjects ON audit_events USING gin (subject_keys);
CREATE INDEX users_id_number_hash ON users(id_number_hash) WHERE id_number_hash IS NOT NULL;
