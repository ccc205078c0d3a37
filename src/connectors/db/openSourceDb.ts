import type { DbKind } from '../types.ts';
import { MysqlSource } from './MysqlSource.ts';
import { PostgresSource } from './PostgresSource.ts';
import type { ConnectOptions, SourceDb } from './SourceDb.ts';

/** A read-only connection to a department database of the given kind. */
export function openSourceDb(kind: DbKind, o: ConnectOptions): Promise<SourceDb> {
  return kind === 'mysql' ? MysqlSource.connect(o) : PostgresSource.connect(o);
}

/** Default port of each kind. */
export const DEFAULT_PORTS: Record<DbKind, number> = { mysql: 3306, postgres: 5432 };
