-- Work orders (工单): a task handed to a responsible department, with its due date on the
-- working-day calendar, supervision (督办) when overdue, a timeline of events, comments and
-- attachments (files under <dataDir>/workorders/<order id>/<attachment id>).
CREATE TABLE workorders (
  id uuid PRIMARY KEY,
  code text NOT NULL UNIQUE,
  title text NOT NULL,
  description text NOT NULL DEFAULT '',
  source text NOT NULL CHECK (source IN ('collision','push','case','alert','manual')),
  source_ref jsonb,
  department_id uuid NOT NULL REFERENCES departments(id),
  handler_id uuid REFERENCES users(id),
  priority text NOT NULL CHECK (priority IN ('normal','urgent')),
  created_by uuid REFERENCES users(id),
  created_by_name text NOT NULL,
  -- the department that opened it (sees and verifies it); null: opened by the platform
  created_by_department_id uuid REFERENCES departments(id),
  status text NOT NULL CHECK (status IN ('new','assigned','in_progress','done','verified','closed','returned','suspended')),
  due_at timestamptz NOT NULL,
  -- while suspended: since when, and the state to resume to
  suspended_at timestamptz,
  suspended_from text,
  done_at timestamptz,
  reminded_at timestamptz,
  supervised boolean NOT NULL DEFAULT false,
  supervised_at timestamptz,
  evidence jsonb,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL
);
CREATE INDEX workorders_department ON workorders(department_id, status);
CREATE INDEX workorders_creator ON workorders(created_by_department_id, status);
CREATE INDEX workorders_due ON workorders(status, due_at);

CREATE TABLE workorder_events (
  id uuid PRIMARY KEY,
  order_id uuid NOT NULL REFERENCES workorders(id),
  at timestamptz NOT NULL,
  actor_id uuid,
  actor_name text NOT NULL,
  action text NOT NULL,
  from_status text,
  to_status text,
  note text
);
CREATE INDEX workorder_events_order ON workorder_events(order_id, at);

CREATE TABLE workorder_comments (
  id uuid PRIMARY KEY,
  order_id uuid NOT NULL REFERENCES workorders(id),
  author_id uuid,
  author_name text NOT NULL,
  text text NOT NULL,
  created_at timestamptz NOT NULL
);
CREATE INDEX workorder_comments_order ON workorder_comments(order_id, created_at);

CREATE TABLE workorder_attachments (
  id uuid PRIMARY KEY,
  order_id uuid NOT NULL REFERENCES workorders(id),
  name text NOT NULL,
  size bigint NOT NULL,
  type text NOT NULL,
  author_id uuid,
  author_name text NOT NULL,
  created_at timestamptz NOT NULL
);
CREATE INDEX workorder_attachments_order ON workorder_attachments(order_id, created_at);
