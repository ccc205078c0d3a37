-- The working-day calendar as the console sets it: a year saved there is stored whole (its public
-- holidays and make-up workdays) and replaces that year's built-in arrangement
-- (src/calendar/data/cn-holidays.json); years never saved keep the built-in one.
CREATE TABLE calendar_days (
  day date PRIMARY KEY,
  kind text NOT NULL CHECK (kind IN ('holiday','workday')),
  name text NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now(),
  updated_by uuid
);
