-- User-defined data elements (自定义数据元): a template (code_table, enum, regex, range, length) with fixed parameters.
CREATE TABLE data_elements (
  id text PRIMARY KEY,
  title text NOT NULL,
  title_en text,
  description text NOT NULL DEFAULT '',
  template text NOT NULL CHECK (template IN ('code_table','enum','regex','range','length')),
  params jsonb NOT NULL,
  created_by uuid,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
