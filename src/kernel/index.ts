/**
 * The ground floor: what every module shares and nothing else — the problem registry, shared route
 * schemas, the caller and the service context, configuration, ids, process liveness, the version.
 * It imports no module above it (the context names the control plane, lake and audit log by type only).
 */
export { Problem, problem, fieldProblem, notFound, alreadyExists, noSuch, langOf, PROBLEM_TYPES, OBJECTS, type ProblemSlug, type ObjectKind, type FieldError, type Lang, type Text } from './problems.ts';
export * from './schemas.ts';
export { ROLES, SYSTEM, type Caller, type Ctx, type Role } from './context.ts';
export { loadConfig, type Config } from './config.ts';
export * from './ids.ts';
export * from './owner.ts';
export { ROOT, VERSION } from './version.ts';
export { callerOf, bearerToken, rateLimitKey, publicBaseUrl } from './http.ts';
export { requireRole, requireSameDepartment, isAdmin, managesDepartment } from './permissions.ts';
export { iso, shanghaiClock, shanghaiDay } from './time.ts';
