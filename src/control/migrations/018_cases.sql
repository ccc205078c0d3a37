-- Cases (案件) from citizen reports: 12345 hotline, web/phone page, grid workers' patrols, bulk import
-- and Open311 clients. A dispatched case is handled as a work order (source 'case'); the case keeps
-- what the order does not: the report, the reporter, the place, the category, the answer, the rating.

-- Categories: GB/T 30428.2 components (部件) and events (事件), 12345 first-level categories.
CREATE TABLE case_categories (
  code text PRIMARY KEY,
  name text NOT NULL,
  kind text NOT NULL CHECK (kind IN ('component','event','hotline')),
  level integer NOT NULL,
  parent_code text REFERENCES case_categories(code),
  department_id uuid REFERENCES departments(id),
  days_normal integer NOT NULL,
  days_urgent integer NOT NULL,
  answer_template text NOT NULL DEFAULT '',
  keywords jsonb NOT NULL DEFAULT '[]',
  active boolean NOT NULL DEFAULT true,
  updated_at timestamptz NOT NULL
);

-- Routing rules: category and/or area (district, street or grid code prefix) → department.
CREATE TABLE case_routes (
  id uuid PRIMARY KEY,
  category_code text REFERENCES case_categories(code),
  area_prefix text,
  department_id uuid NOT NULL REFERENCES departments(id),
  created_at timestamptz NOT NULL
);

CREATE TABLE cases (
  id uuid PRIMARY KEY,
  code text NOT NULL UNIQUE,
  channel text NOT NULL CHECK (channel IN ('hotline','web','grid','import','open311')),
  status text NOT NULL CHECK (status IN ('pending','dispatched','handling','returned','suspended','answered','closed','merged','invalid')),
  urgency text NOT NULL CHECK (urgency IN ('normal','urgent')),
  title text NOT NULL,
  text text NOT NULL,
  category_code text REFERENCES case_categories(code),
  -- what the classifier proposed when the case came in
  suggested_category text,
  suggestion jsonb,
  suggested_department_id uuid REFERENCES departments(id),
  department_id uuid REFERENCES departments(id),
  workorder_id uuid REFERENCES workorders(id),
  -- the place
  address text NOT NULL DEFAULT '',
  lng double precision,
  lat double precision,
  grid_code text,
  district_code text,
  -- the reporter: name and phone in the control plane only, shown masked except to the dispatch centre
  -- and, with consent, to the handling department; phone_key: keyed pseudonym for caller history
  reporter_name text NOT NULL DEFAULT '',
  reporter_phone text NOT NULL DEFAULT '',
  phone_key text,
  consent boolean NOT NULL DEFAULT false,
  reporter_user_id uuid REFERENCES users(id),
  -- Open311: the application (API token) that reported, its own id for the request, the service's attributes
  client_token_id uuid,
  external_id text,
  attributes jsonb,
  media_url text,
  reported_at timestamptz NOT NULL,
  received_by uuid REFERENCES users(id),
  dispatched_at timestamptz,
  accepted_at timestamptz,
  due_at timestamptz,
  answer text,
  answered_at timestamptz,
  answered_by text,
  satisfaction text CHECK (satisfaction IN ('satisfied','basic','unsatisfied')),
  resolved boolean,
  rating_comment text,
  rated_at timestamptz,
  closed_at timestamptz,
  merged_into uuid REFERENCES cases(id),
  returns integer NOT NULL DEFAULT 0,
  reopens integer NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL
);
CREATE INDEX cases_status ON cases(status, created_at DESC);
CREATE INDEX cases_department ON cases(department_id, status, created_at DESC);
CREATE INDEX cases_created ON cases(created_at DESC, id DESC);
CREATE INDEX cases_phone ON cases(phone_key, created_at DESC);
CREATE INDEX cases_category ON cases(category_code, created_at DESC);
CREATE INDEX cases_grid ON cases(grid_code, created_at DESC);
CREATE INDEX cases_merged ON cases(merged_into);
CREATE INDEX cases_workorder ON cases(workorder_id);
CREATE UNIQUE INDEX cases_external ON cases(client_token_id, external_id);

CREATE TABLE case_events (
  id uuid PRIMARY KEY,
  case_id uuid NOT NULL REFERENCES cases(id),
  at timestamptz NOT NULL,
  actor_id uuid,
  actor_name text NOT NULL,
  action text NOT NULL,
  from_status text,
  to_status text,
  note text,
  -- shown to the reporter on the public follow-up page
  public boolean NOT NULL DEFAULT false
);
CREATE INDEX case_events_case ON case_events(case_id, at);

CREATE TABLE case_photos (
  id uuid PRIMARY KEY,
  case_id uuid NOT NULL REFERENCES cases(id),
  name text NOT NULL,
  size bigint NOT NULL,
  type text NOT NULL,
  created_at timestamptz NOT NULL
);
CREATE INDEX case_photos_case ON case_photos(case_id);

-- Extensions of the time limit, asked by the handling department, decided by the dispatch centre.
CREATE TABLE case_extensions (
  id uuid PRIMARY KEY,
  case_id uuid NOT NULL REFERENCES cases(id),
  days integer NOT NULL,
  reason text NOT NULL,
  status text NOT NULL CHECK (status IN ('pending','approved','rejected')),
  requested_by text NOT NULL,
  requested_at timestamptz NOT NULL,
  decided_by text,
  decided_at timestamptz,
  decision_note text
);
CREATE INDEX case_extensions_case ON case_extensions(case_id, status);

-- Answers per category, reused by handlers (知识库).
CREATE TABLE case_knowledge (
  id uuid PRIMARY KEY,
  category_code text REFERENCES case_categories(code),
  question text NOT NULL,
  answer text NOT NULL,
  department_id uuid REFERENCES departments(id),
  used integer NOT NULL DEFAULT 0,
  created_by text NOT NULL,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL
);
CREATE INDEX case_knowledge_category ON case_knowledge(category_code);

-- The classifier trained on the platform's own case history (the newest row is in use).
CREATE TABLE case_models (
  id uuid PRIMARY KEY,
  trained_at timestamptz NOT NULL,
  examples integer NOT NULL,
  corrections integer NOT NULL,
  seconds double precision NOT NULL,
  model jsonb NOT NULL
);

-- Grid workers' check-ins on patrol (巡查签到).
CREATE TABLE case_checkins (
  id uuid PRIMARY KEY,
  user_id uuid NOT NULL REFERENCES users(id),
  grid_code text,
  lng double precision NOT NULL,
  lat double precision NOT NULL,
  at timestamptz NOT NULL
);
CREATE INDEX case_checkins_user ON case_checkins(user_id, at DESC);

-- The dispatch centre (受理中心, e.g. the 12345 hotline centre): its officers and handlers take reports
-- in, see every case and dispatch them.
ALTER TABLE departments ADD COLUMN case_centre boolean NOT NULL DEFAULT false;
