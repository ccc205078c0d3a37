-- Datasets (信息资源) and their immutable versions (manifests of Parquet files in the data directory).
CREATE TABLE datasets (
  id uuid PRIMARY KEY,
  code text NOT NULL UNIQUE,
  name text NOT NULL,
  description text NOT NULL DEFAULT '',
  department_id uuid NOT NULL REFERENCES departments(id),
  theme text,
  layer text NOT NULL DEFAULT 'raw' CHECK (layer IN ('raw','standard','base','theme','business')),
  primary_key text[] NOT NULL DEFAULT '{}',
  update_cycle text,
  share_type text NOT NULL DEFAULT 'conditional' CHECK (share_type IN ('unconditional','conditional','none')),
  open_type text NOT NULL DEFAULT 'none' CHECK (open_type IN ('open','conditional','none')),
  important boolean NOT NULL DEFAULT false,
  core boolean NOT NULL DEFAULT false,
  fields jsonb NOT NULL DEFAULT '[]',
  current_version int NOT NULL DEFAULT 0,
  created_by uuid,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX datasets_department ON datasets(department_id);

CREATE TABLE dataset_versions (
  dataset_id uuid NOT NULL REFERENCES datasets(id),
  version int NOT NULL,
  parent_version int,
  mode text NOT NULL CHECK (mode IN ('append','upsert','replace')),
  files jsonb NOT NULL,
  schema jsonb NOT NULL,
  row_count bigint NOT NULL,
  rows_added bigint NOT NULL DEFAULT 0,
  job_id uuid,
  created_by uuid,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (dataset_id, version)
);
