-- Geography (地理): the city's administrative areas down to the unit grid cells of grid management
-- (网格化管理, GB/T 30428.1 单元网格), as GeoJSON in WGS84 longitude/latitude, and the grid workers
-- (网格员) assigned to each cell. Points are located in memory (bounding box, then point in polygon);
-- the bounding box columns let a server read only the areas around a point when the city is large.
CREATE TABLE geo_areas (
  code text PRIMARY KEY,
  level text NOT NULL CHECK (level IN ('city','district','street','community','grid')),
  name text NOT NULL,
  parent_code text REFERENCES geo_areas(code),
  -- a GeoJSON Polygon or MultiPolygon
  geometry jsonb NOT NULL,
  center_lng double precision NOT NULL,
  center_lat double precision NOT NULL,
  min_lng double precision NOT NULL,
  min_lat double precision NOT NULL,
  max_lng double precision NOT NULL,
  max_lat double precision NOT NULL,
  properties jsonb NOT NULL DEFAULT '{}',
  updated_at timestamptz NOT NULL
);
CREATE INDEX geo_areas_level ON geo_areas(level, parent_code);
CREATE INDEX geo_areas_parent ON geo_areas(parent_code);

CREATE TABLE grid_workers (
  grid_code text NOT NULL REFERENCES geo_areas(code) ON DELETE CASCADE,
  user_id uuid NOT NULL REFERENCES users(id),
  assigned_at timestamptz NOT NULL,
  assigned_by uuid,
  PRIMARY KEY (grid_code, user_id)
);
CREATE INDEX grid_workers_user ON grid_workers(user_id);
