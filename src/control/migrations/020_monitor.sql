-- City-operations monitoring (一网统管): indicators computed from departments' data and sensors,
-- kept as time series in the lake (each indicator is a dataset of the theme layer, read through the
-- share guard like any other), and alert rules over them.
CREATE TABLE indicators (
  id uuid PRIMARY KEY,
  code text NOT NULL UNIQUE,
  name text NOT NULL,
  department_id uuid NOT NULL REFERENCES departments(id),
  -- the lake dataset that holds the series (code IND_<code>)
  dataset_id uuid NOT NULL REFERENCES datasets(id),
  description text NOT NULL DEFAULT '',
  unit text NOT NULL DEFAULT '',
  cycle text NOT NULL,
  query jsonb NOT NULL,
  dimensions jsonb NOT NULL DEFAULT '[]',
  trigger text NOT NULL CHECK (trigger IN ('manual','schedule','arrival')),
  schedule text,
  -- the datasets the query read at its last refresh (an arrival on one refreshes it)
  watches jsonb NOT NULL DEFAULT '[]',
  created_by uuid,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  refreshed_at timestamptz,
  refresh_seconds double precision,
  points integer,
  last_error text
);
CREATE INDEX indicators_department ON indicators(department_id);

-- An arrival (dataset version) claimed once for an indicator, however many servers poll.
CREATE TABLE indicator_arrivals (
  indicator_id uuid NOT NULL REFERENCES indicators(id),
  dataset_id uuid NOT NULL,
  version integer NOT NULL,
  claimed_at timestamptz NOT NULL,
  PRIMARY KEY (indicator_id, dataset_id, version)
);

CREATE TABLE alert_rules (
  id uuid PRIMARY KEY,
  code text NOT NULL UNIQUE,
  name text NOT NULL,
  indicator_id uuid NOT NULL REFERENCES indicators(id),
  department_id uuid NOT NULL REFERENCES departments(id),
  level text NOT NULL CHECK (level IN ('info','warning','critical')),
  condition jsonb NOT NULL,
  -- the department told and given a work order when it fires (default: the owner)
  responsible_department_id uuid REFERENCES departments(id),
  work_order boolean NOT NULL DEFAULT false,
  escalate_minutes integer,
  enabled boolean NOT NULL DEFAULT true,
  created_by uuid,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL
);

-- One open alert per rule and series (its dimension values): firing → acknowledged → resolved.
CREATE TABLE alerts (
  id uuid PRIMARY KEY,
  rule_id uuid NOT NULL REFERENCES alert_rules(id),
  series_key text NOT NULL,
  series jsonb NOT NULL,
  level text NOT NULL,
  state text NOT NULL CHECK (state IN ('firing','acknowledged','resolved')),
  silenced boolean NOT NULL DEFAULT false,
  started_at timestamptz NOT NULL,
  value double precision,
  message text NOT NULL,
  last_value double precision,
  last_seen_at timestamptz NOT NULL,
  acknowledged_at timestamptz,
  acknowledged_by text,
  resolved_at timestamptz,
  escalated_at timestamptz,
  workorder_id uuid REFERENCES workorders(id),
  created_at timestamptz NOT NULL
);
CREATE INDEX alerts_rule ON alerts(rule_id, series_key, state);
CREATE INDEX alerts_state ON alerts(state, started_at DESC);
CREATE UNIQUE INDEX alerts_open ON alerts(rule_id, series_key) WHERE state <> 'resolved';

-- Silences and maintenance windows: alerts of matching rules (and series) raised meanwhile notify no one.
CREATE TABLE alert_silences (
  id uuid PRIMARY KEY,
  rule_id uuid REFERENCES alert_rules(id),
  department_id uuid NOT NULL REFERENCES departments(id),
  series jsonb NOT NULL DEFAULT '{}',
  starts_at timestamptz NOT NULL,
  ends_at timestamptz NOT NULL,
  reason text NOT NULL,
  created_by text NOT NULL,
  created_at timestamptz NOT NULL
);
