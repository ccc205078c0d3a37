export { departments, type Department, type DepartmentInput } from './departments.ts';
export { users, type User, type UserInput } from './users.ts';
export { auth, apiTokens } from './tokens.ts';
export { ensureAdmin } from './bootstrap.ts';
export { identityRoutes } from './routes.ts';
export { hashToken, callerFromToken } from './callers.ts';
export { notices, raiseNotice, type Notice, type NoticeInput } from './notices.ts';
