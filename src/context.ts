import type { Logger } from 'pino';
import type { Config } from './config.ts';
import type { Db } from './control/index.ts';
import type { AuditLog } from './audit/index.ts';
import type { Lake } from './lake/index.ts';

export type Role = 'admin' | 'officer' | 'analyst' | 'handler' | 'citizen';
export const ROLES: Role[] = ['admin', 'officer', 'analyst', 'handler', 'citizen'];

/** Who is acting. Every service method takes the caller and applies permissions itself. */
export interface Caller {
  id: string | null;
  username: string;
  displayName: string;
  role: Role;
  departmentId: string | null;
  tokenId?: string;
}

/** The platform itself (start-up, migrations, scheduled work). */
export const SYSTEM: Caller = { id: null, username: 'system', displayName: '系统', role: 'admin', departmentId: null };

/** Everything a service needs: configuration, control plane, data plane, audit log, logger. */
export interface Ctx {
  config: Config;
  db: Db;
  lake: Lake;
  audit: AuditLog;
  log: Logger;
}
