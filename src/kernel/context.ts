import type { Logger } from 'pino';
import type { Config } from './config.ts';
import type { Db } from '../control/index.ts';
import type { AuditLog } from '../audit/index.ts';
import type { LakeReader, LakeWriter } from '../lake/index.ts';

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
  /** The data plane as services see it: write versions, read manifests, work files. */
  lake: LakeWriter;
  /** Dataset contents: for the share guard (src/share) alone — a test fails if anything else touches it. */
  lakeReader: LakeReader;
  audit: AuditLog;
  log: Logger;
}
