-- Rules (规则): collision rules (碰) and push rules (推), run on a schedule, by hand, or on the
-- arrival of a new version of a dataset they watch (嵌). A rule reads through the share guard as its
-- owner department; its rows become findings (collision) or notice candidates (push).
CREATE TABLE rules (
  id uuid PRIMARY KEY,
  code text NOT NULL UNIQUE,
  name text NOT NULL,
  description text NOT NULL DEFAULT '',
  kind text NOT NULL CHECK (kind IN ('collide','push')),
  query jsonb NOT NULL,
  key_fields jsonb NOT NULL,
  subject jsonb,
  owner_department_id uuid NOT NULL REFERENCES departments(id),
  responsible_department_id uuid NOT NULL REFERENCES departments(id),
  trigger text NOT NULL CHECK (trigger IN ('manual','schedule','arrival')),
  schedule text,
  as_of date,
  action jsonb NOT NULL DEFAULT '{}',
  watches jsonb NOT NULL DEFAULT '[]',
  enabled boolean NOT NULL DEFAULT true,
  created_by uuid REFERENCES users(id),
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL
);
CREATE INDEX rules_owner ON rules(owner_department_id);
CREATE INDEX rules_responsible ON rules(responsible_department_id);

CREATE TABLE rule_runs (
  id uuid PRIMARY KEY,
  rule_id uuid NOT NULL REFERENCES rules(id),
  trigger text NOT NULL,
  status text NOT NULL CHECK (status IN ('running','done','failed')),
  started_at timestamptz NOT NULL,
  finished_at timestamptz,
  rows integer NOT NULL DEFAULT 0,
  counts jsonb NOT NULL DEFAULT '{}',
  versions jsonb NOT NULL DEFAULT '{}',
  -- the version that fired an arrival run: {dataset, version, committedAt}
  cause jsonb,
  error text
);
CREATE INDEX rule_runs_rule ON rule_runs(rule_id, started_at);

-- One claim per (rule, dataset version): an arrival fires a rule once, whichever server sees it first.
CREATE TABLE rule_arrivals (
  rule_id uuid NOT NULL REFERENCES rules(id),
  dataset_id uuid NOT NULL,
  version integer NOT NULL,
  claimed_at timestamptz NOT NULL,
  PRIMARY KEY (rule_id, dataset_id, version)
);

-- Findings of collision rules, one per rule and key across runs.
CREATE TABLE findings (
  id uuid PRIMARY KEY,
  rule_id uuid NOT NULL REFERENCES rules(id),
  key text NOT NULL,
  key_values jsonb NOT NULL,
  status text NOT NULL CHECK (status IN ('open','resolved','dismissed')),
  -- how it was resolved: its work order finished ('workorder'), or a complete run no longer found it ('data')
  resolved_by text,
  resolved_at timestamptz,
  -- the dataset versions when it was resolved: it recurs only when newer data still shows it
  resolved_versions jsonb,
  occurrences integer NOT NULL DEFAULT 1,
  recurring boolean NOT NULL DEFAULT false,
  evidence jsonb NOT NULL,
  versions jsonb NOT NULL,
  workorder_id uuid REFERENCES workorders(id),
  first_run_id uuid NOT NULL,
  last_run_id uuid NOT NULL,
  first_seen_at timestamptz NOT NULL,
  last_seen_at timestamptz NOT NULL,
  dismiss_reason text,
  UNIQUE (rule_id, key)
);
CREATE INDEX findings_rule ON findings(rule_id, status);
CREATE INDEX findings_workorder ON findings(workorder_id);
