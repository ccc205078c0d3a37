import type { Queryable } from '../control/index.ts';
import { isUuid } from '../kernel/index.ts';
import type { DbSettings, MqttSettings, Source, SourceKind, SourceState } from './types.ts';

interface Row {
  id: string; name: string; kind: SourceKind; dataset_id: string; dataset_code: string; department_id: string;
  settings: Source['settings'] | string; secret: string | null; schedule: string | null; enabled: boolean;
  state: SourceState | string; created_by: string | null; created_at: Date; updated_at: Date;
}

/** A source with its encrypted password (never leaves the server). */
export interface StoredSource extends Source {
  secret: string | null;
}

const json = <T>(v: T | string): T => (typeof v === 'string' ? (JSON.parse(v) as T) : v);

function toSource(r: Row): StoredSource {
  return {
    id: r.id, name: r.name, kind: r.kind, datasetId: r.dataset_id, datasetCode: r.dataset_code, departmentId: r.department_id,
    settings: json(r.settings), hasPassword: !!r.secret, secret: r.secret, schedule: r.schedule, enabled: r.enabled, state: json(r.state),
    createdBy: r.created_by, createdAt: new Date(r.created_at).toISOString(), updatedAt: new Date(r.updated_at).toISOString(),
  };
}

/** The API form: everything but the password. */
export function publicSource(s: StoredSource): Source {
  const { secret: _secret, ...rest } = s;
  return rest;
}

export const SOURCE_SELECT = `SELECT s.id, s.name, s.kind, s.dataset_id, ds.code AS dataset_code, ds.department_id, s.settings, s.secret, s.schedule,
    s.enabled, s.state, s.created_by, s.created_at, s.updated_at
  FROM sources s JOIN datasets ds ON ds.id = s.dataset_id`;

export async function sourceById(q: Queryable, id: string): Promise<StoredSource | undefined> {
  if (!isUuid(id)) return undefined;
  const r = await q.one<Row>(`${SOURCE_SELECT} WHERE s.id = $1`, [id]);
  return r && toSource(r);
}

export async function listSources(q: Queryable, where = '', params: unknown[] = []): Promise<StoredSource[]> {
  const rows = await q.query<Row>(`${SOURCE_SELECT} ${where} ORDER BY s.created_at`, params);
  return rows.map(toSource);
}

export const rowToSource = toSource;

/** Merge into the stored state (inside the transaction that commits the version it describes). */
export async function saveState(q: Queryable, id: string, patch: SourceState): Promise<void> {
  await q.query(`UPDATE sources SET state = state || $2::jsonb WHERE id = $1`, [id, JSON.stringify(patch)]);
}

export const isDbSettings = (s: Source): s is Source & { settings: DbSettings } => s.kind === 'mysql' || s.kind === 'postgres';
export const isMqttSettings = (s: Source): s is Source & { settings: MqttSettings } => s.kind === 'mqtt';
