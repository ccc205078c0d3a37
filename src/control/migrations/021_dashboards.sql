-- Dashboards (驾驶舱): a grid of widgets over indicators, case figures and alerts, owned by a
-- department and shared with departments or roles. A dashboard holds no data: each widget's data
-- is read by the viewer's own session through the guarded APIs.
CREATE TABLE dashboards (
  id uuid PRIMARY KEY,
  code text NOT NULL UNIQUE,
  name text NOT NULL,
  description text NOT NULL DEFAULT '',
  department_id uuid NOT NULL REFERENCES departments(id),
  -- the widgets: [{id, type, title, x, y, w, h, config}] on a 24-column grid
  layout jsonb NOT NULL DEFAULT '[]',
  -- the dashboard-wide filters: {range, district}
  filters jsonb NOT NULL DEFAULT '{}',
  -- 0: no auto-refresh
  refresh_seconds integer NOT NULL DEFAULT 0,
  -- who else may open it: {departments: [ids], roles: [...], all: boolean}
  shared jsonb NOT NULL DEFAULT '{"departments": [], "roles": [], "all": false}',
  created_by uuid,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL
);
CREATE INDEX dashboards_department ON dashboards(department_id);
