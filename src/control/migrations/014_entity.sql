-- One person, one file (一人一档) and one enterprise, one file (一企一档): the master index.
-- Record contents stay in the data plane (features and scored pairs as Parquet under
-- <dataDir>/entity/<kind>/); the control plane keeps what people look up and decide.

-- Which datasets feed the index, and how their fields map onto the entity's features.
-- A dataset may hold several entities per row (a marriage record: husband and wife), one role each.
CREATE TABLE entity_sources (
  kind text NOT NULL CHECK (kind IN ('person','enterprise')),
  dataset_id uuid NOT NULL REFERENCES datasets(id),
  -- [{ "role": "nf", "fields": { "name": "nf_xm", "id_number": "nf_gmsfhm", … } }]
  roles jsonb NOT NULL,
  -- survivorship: a higher trust wins "most trusted source"
  trust integer NOT NULL DEFAULT 0,
  enabled boolean NOT NULL DEFAULT true,
  -- the dataset version the index last took in
  linked_version integer NOT NULL DEFAULT 0,
  updated_at timestamptz NOT NULL,
  PRIMARY KEY (kind, dataset_id)
);

-- Linkage runs: full (score every candidate pair) or incremental (only pairs touching changed records).
CREATE TABLE entity_runs (
  id uuid PRIMARY KEY,
  kind text NOT NULL CHECK (kind IN ('person','enterprise')),
  mode text NOT NULL CHECK (mode IN ('full','incremental','recluster')),
  status text NOT NULL CHECK (status IN ('queued','running','done','failed')),
  retrain boolean NOT NULL DEFAULT false,
  requested_by uuid REFERENCES users(id),
  progress jsonb,
  stats jsonb,
  error text,
  created_at timestamptz NOT NULL,
  started_at timestamptz,
  finished_at timestamptz
);
CREATE INDEX entity_runs_kind ON entity_runs(kind, created_at DESC);

-- Membership: each source record (rid = dataset code : primary key # role) in one cluster.
-- Cluster ids are stable: a re-run keeps the id of the cluster most of the members came from.
CREATE TABLE entity_members (
  kind text NOT NULL,
  rid text NOT NULL,
  cluster_id text NOT NULL,
  dataset_id uuid NOT NULL,
  record_key jsonb NOT NULL,
  role text NOT NULL DEFAULT '',
  version integer NOT NULL,
  updated_at timestamptz,
  PRIMARY KEY (kind, rid)
);
CREATE INDEX entity_members_cluster ON entity_members(kind, cluster_id);

-- A cluster that disappeared into another (merged) points to where its records went.
CREATE TABLE entity_aliases (
  kind text NOT NULL,
  old_id text NOT NULL,
  new_id text NOT NULL,
  run_id uuid,
  created_at timestamptz NOT NULL,
  PRIMARY KEY (kind, old_id)
);

-- Manual decisions survive re-runs: a must-link or cannot-link between two records.
-- A merge of two profiles is one must-link; a split is a cannot-link from each split record to
-- each record that stays.
CREATE TABLE entity_decisions (
  id uuid PRIMARY KEY,
  kind text NOT NULL,
  action text NOT NULL CHECK (action IN ('merge','split','match','no_match')),
  -- [[rid, rid], …]
  must_link jsonb NOT NULL DEFAULT '[]',
  cannot_link jsonb NOT NULL DEFAULT '[]',
  cluster_ids text[] NOT NULL,
  reason text NOT NULL,
  actor_id uuid REFERENCES users(id),
  actor_name text NOT NULL,
  created_at timestamptz NOT NULL
);
CREATE INDEX entity_decisions_kind ON entity_decisions(kind, created_at DESC);

-- Clerical review: pairs scored near the threshold, waiting for a person.
CREATE TABLE entity_review (
  id uuid PRIMARY KEY,
  kind text NOT NULL,
  rid_l text NOT NULL,
  rid_r text NOT NULL,
  probability double precision NOT NULL,
  weight double precision NOT NULL,
  status text NOT NULL CHECK (status IN ('pending','match','no_match','gone')),
  decision_id uuid REFERENCES entity_decisions(id),
  reason text,
  decided_by_name text,
  decided_at timestamptz,
  run_id uuid,
  created_at timestamptz NOT NULL,
  UNIQUE (kind, rid_l, rid_r)
);
CREATE INDEX entity_review_status ON entity_review(kind, status, probability DESC);
