-- Departments (部门), users, roles and tokens.
CREATE TABLE departments (
  id uuid PRIMARY KEY,
  code text NOT NULL UNIQUE,
  name text NOT NULL,
  name_en text,
  parent_id uuid REFERENCES departments(id),
  region_code char(6) NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX departments_parent ON departments(parent_id);

CREATE TABLE users (
  id uuid PRIMARY KEY,
  username text NOT NULL UNIQUE,
  display_name text NOT NULL,
  password_hash text NOT NULL,
  role text NOT NULL CHECK (role IN ('admin','officer','analyst','handler','citizen')),
  department_id uuid REFERENCES departments(id),
  id_number_hash text,
  disabled boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX users_department ON users(department_id);

-- Bearer tokens: 'session' from login, 'api' for applications. Only a SHA-256 of the token is kept.
CREATE TABLE tokens (
  id uuid PRIMARY KEY,
  kind text NOT NULL CHECK (kind IN ('session','api')),
  name text,
  user_id uuid NOT NULL REFERENCES users(id),
  token_hash text NOT NULL UNIQUE,
  prefix text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  revoked_at timestamptz,
  last_used_at timestamptz
);
CREATE INDEX tokens_user ON tokens(user_id);
