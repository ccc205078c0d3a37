-- The resource catalog (政务信息资源目录): national catalog metadata on each dataset, the review of
-- entries (draft → submitted → published / returned), lineage links between datasets, and the
-- applications for API keys to conditional open data.
ALTER TABLE datasets
  ADD COLUMN category text NOT NULL DEFAULT 'department' CHECK (category IN ('base','theme','department')),
  ADD COLUMN resource_format text NOT NULL DEFAULT 'database' CHECK (resource_format IN ('database','spreadsheet','file','api','stream','image')),
  ADD COLUMN share_condition text,
  ADD COLUMN share_method text CHECK (share_method IN ('api','download','exchange')),
  ADD COLUMN share_basis text,
  ADD COLUMN open_condition text,
  ADD COLUMN keywords text[] NOT NULL DEFAULT '{}',
  ADD COLUMN contact jsonb,
  ADD COLUMN licence text,
  ADD COLUMN status text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft','submitted','published','returned')),
  ADD COLUMN review_note text,
  ADD COLUMN submitted_at timestamptz,
  ADD COLUMN reviewed_by uuid,
  ADD COLUMN reviewed_at timestamptz,
  ADD COLUMN published_at timestamptz;
CREATE INDEX datasets_status ON datasets(status);

-- A dataset version derived from other datasets' versions (a rule, a merge, a collision): what
-- lineage shows beside the sources and jobs that ingest records itself.
CREATE TABLE lineage_links (
  dataset_id uuid NOT NULL REFERENCES datasets(id),
  version int NOT NULL,
  from_dataset_id uuid NOT NULL REFERENCES datasets(id),
  from_version int,
  via text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (dataset_id, version, from_dataset_id, via)
);
CREATE INDEX lineage_links_from ON lineage_links(from_dataset_id);

-- Sign-ups for an API key to conditional open data (有条件开放): terms accepted, the admin approves.
CREATE TABLE open_keys (
  id uuid PRIMARY KEY,
  name text NOT NULL,
  organisation text NOT NULL DEFAULT '',
  email text NOT NULL,
  phone text,
  purpose text NOT NULL,
  terms_version text NOT NULL,
  accepted_at timestamptz NOT NULL,
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending','approved','rejected','revoked')),
  key_hash text UNIQUE,
  key_prefix text,
  decided_by uuid,
  decided_at timestamptz,
  reason text,
  last_used_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX open_keys_status ON open_keys(status, created_at DESC);
