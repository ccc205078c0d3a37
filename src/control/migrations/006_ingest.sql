-- Ingest (汇聚): jobs, saved header mappings and per-dataset cleaning / validation settings.
CREATE TABLE ingest_jobs (
  id uuid PRIMARY KEY,
  dataset_id uuid NOT NULL REFERENCES datasets(id),
  status text NOT NULL CHECK (status IN ('queued','running','succeeded','failed')),
  source_name text NOT NULL,
  format text,
  encoding text,
  delimiter text,
  mode text NOT NULL CHECK (mode IN ('append','upsert','replace')),
  rows_read bigint NOT NULL DEFAULT 0,
  accepted bigint NOT NULL DEFAULT 0,
  rejected bigint NOT NULL DEFAULT 0,
  quality jsonb,
  mapping jsonb,
  error text,
  quarantine_path text,
  quarantine_rows bigint NOT NULL DEFAULT 0,
  version int,
  retry_of uuid REFERENCES ingest_jobs(id),
  created_by uuid,
  created_at timestamptz NOT NULL DEFAULT now(),
  started_at timestamptz,
  finished_at timestamptz
);
CREATE INDEX ingest_jobs_dataset ON ingest_jobs(dataset_id, created_at DESC);
CREATE INDEX ingest_jobs_status ON ingest_jobs(status);

-- The confirmed header → field mapping of a source (file name), reused on the next ingest.
CREATE TABLE ingest_mappings (
  dataset_id uuid NOT NULL REFERENCES datasets(id),
  source_name text NOT NULL,
  mapping jsonb NOT NULL,
  updated_by uuid,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (dataset_id, source_name)
);

-- Cleaning switches and extra validation rules (pattern, enum, range, references) of a dataset.
CREATE TABLE ingest_settings (
  dataset_id uuid PRIMARY KEY REFERENCES datasets(id),
  cleaning jsonb NOT NULL DEFAULT '{}',
  rules jsonb NOT NULL DEFAULT '{}',
  updated_by uuid,
  updated_at timestamptz NOT NULL DEFAULT now()
);
