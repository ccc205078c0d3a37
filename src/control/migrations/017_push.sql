-- Proactive push (推, 免申即享): the notices push rules find, the department's second check, the
-- citizen's inbox and answers, opt-outs; and the deliveries of notify (text messages and webhook
-- calls, retried with backoff until sent or given up).
CREATE TABLE push_notices (
  id uuid PRIMARY KEY,
  rule_id uuid NOT NULL,
  rule_code text NOT NULL,
  rule_name text NOT NULL,
  -- the run that found it (the first; a re-run finds the same event and adds nothing)
  run_id uuid NOT NULL,
  -- the rule's key of the event (RuleRow.key): one notice per rule and event, ever
  event_key text NOT NULL,
  -- keyed pseudonym of the ID number the notice is for (users.id_number_hash of a citizen account)
  subject text NOT NULL,
  subject_kind text NOT NULL CHECK (subject_kind IN ('person','enterprise')),
  owner_department_id uuid NOT NULL REFERENCES departments(id),
  -- the responsible department: makes the second check (复核) and sends
  department_id uuid NOT NULL REFERENCES departments(id),
  -- candidate → sent (on approval, at once) | rejected | opted_out; sent → read
  status text NOT NULL CHECK (status IN ('candidate','rejected','opted_out','sent','read')),
  outcome text CHECK (outcome IN ('accepted','declined','granted')),
  channel text NOT NULL CHECK (channel IN ('inbox','sms','webhook')),
  grant_without_application boolean NOT NULL DEFAULT false,
  webhook text,
  title text NOT NULL,
  body text NOT NULL,
  -- the row as the owner department read it (masked by the guard), and the versions it came from
  evidence jsonb NOT NULL,
  versions jsonb NOT NULL,
  checked_by uuid,
  checked_by_name text,
  checked_at timestamptz,
  reason text,
  sent_at timestamptz,
  read_at timestamptz,
  responded_at timestamptz,
  response_note text,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  UNIQUE (rule_id, event_key)
);
CREATE INDEX push_notices_department ON push_notices(department_id, status);
CREATE INDEX push_notices_owner ON push_notices(owner_department_id, status);
CREATE INDEX push_notices_subject ON push_notices(subject, status);

-- A subject's refusal of push notices: of one rule (scope = the rule's id) or of all ('*').
CREATE TABLE push_opt_outs (
  subject text NOT NULL,
  scope text NOT NULL,
  created_at timestamptz NOT NULL,
  PRIMARY KEY (subject, scope)
);

CREATE TABLE deliveries (
  id uuid PRIMARY KEY,
  channel text NOT NULL CHECK (channel IN ('sms','webhook')),
  target text NOT NULL,
  payload jsonb NOT NULL,
  ref_type text,
  ref_id text,
  status text NOT NULL CHECK (status IN ('pending','sent','failed')),
  attempts integer NOT NULL DEFAULT 0,
  max_attempts integer NOT NULL,
  next_at timestamptz,
  -- a server sending it holds it until then (a server that stopped mid-send lets it go)
  lease_until timestamptz,
  last_status integer,
  last_error text,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  sent_at timestamptz
);
CREATE INDEX deliveries_due ON deliveries(status, next_at);
CREATE INDEX deliveries_ref ON deliveries(ref_type, ref_id);
