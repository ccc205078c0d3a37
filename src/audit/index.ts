export { AuditLog, type AuditEvent, type AuditInput, type VerifyResult } from './AuditLog.ts';
export { AuditKey } from './keys.ts';
export { AnchorFile } from './AnchorFile.ts';
export { auditSettings, type AuditSettings } from './settings.ts';
export { HEAD_FORMAT, type SignedCheckpoint, type SignedHead } from './heads.ts';
export { readWitnesses, verifyExport } from './verifyExport.ts';
export { eventHash, GENESIS_HASH } from './chain.ts';
export { auditService } from './service.ts';
export { auditRoutes } from './routes.ts';
