-- Lake write intents: a row per write in progress, recorded before any file is staged and removed in
-- the transaction that commits the version. A row left behind marks a write that died; its host and
-- pid tell the orphan sweeper whether the writer may still be alive.
CREATE TABLE lake_write_intents (
  write_id uuid PRIMARY KEY,
  dataset_id uuid NOT NULL REFERENCES datasets(id),
  version int NOT NULL,
  host text NOT NULL,
  pid int NOT NULL,
  started_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX lake_write_intents_dataset ON lake_write_intents(dataset_id);
