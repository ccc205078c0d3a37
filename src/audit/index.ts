export { AuditLog, type AuditEvent, type AuditInput, type VerifyResult } from './AuditLog.ts';
export { AuditKey } from './keys.ts';
export { eventHash, GENESIS_HASH } from './chain.ts';
export { auditService } from './service.ts';
export { auditRoutes } from './routes.ts';
