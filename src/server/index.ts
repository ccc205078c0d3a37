export { buildApp, WEB_DIST, type AppOptions } from './app.ts';
export { Problem, problem, fieldProblem, PROBLEM_TYPES, type ProblemSlug, type FieldError } from './errors.ts';
export { callerOf, callerFromToken, hashToken } from './auth.ts';
export { VERSION, ROOT } from './version.ts';
export * from './schemas.ts';
