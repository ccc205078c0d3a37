import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { ROLES, type Caller, type Ctx, callerOf, rateLimitKey, problem, IdParams, Literals, Page, PageQuery } from '../kernel/index.ts';
import { departments } from './departments.ts';
import { apiTokens, auth, MAX_TOKEN_DAYS } from './tokens.ts';
import { managesUsers, users } from './users.ts';
import { MAX_PASSWORD } from './passwords.ts';

const Role = Literals(ROLES);
const Code = Type.String({ minLength: 1, maxLength: 32, pattern: '^[A-Za-z0-9_-]+$' });
const Name = Type.String({ minLength: 1, maxLength: 100 });
const Region = Type.String({ pattern: '^[0-9]{6}$' });
const NullableUuid = Type.Union([Type.String({ format: 'uuid' }), Type.Null()]);

const DepartmentSchema = Type.Object({
  id: Type.String(), code: Type.String(), name: Type.String(), nameEn: Type.Union([Type.String(), Type.Null()]),
  parentId: Type.Union([Type.String(), Type.Null()]), regionCode: Type.String(), createdAt: Type.String(), updatedAt: Type.String(),
}, { $id: 'Department' });
const UserSchema = Type.Object({
  id: Type.String(), username: Type.String(), displayName: Type.String(), role: Role,
  departmentId: Type.Union([Type.String(), Type.Null()]), departmentName: Type.Union([Type.String(), Type.Null()]),
  disabled: Type.Boolean(), createdAt: Type.String(), lastLoginAt: Type.Union([Type.String(), Type.Null()], { description: '最近登录时间 / last login' }),
}, { $id: 'User' });
const TokenSchema = Type.Object({
  id: Type.String(), name: Type.Union([Type.String(), Type.Null()]), prefix: Type.String(), userId: Type.String(), username: Type.String(),
  createdAt: Type.String(), expiresAt: Type.String(), revokedAt: Type.Union([Type.String(), Type.Null()]), lastUsedAt: Type.Union([Type.String(), Type.Null()]),
}, { $id: 'ApiToken' });
const Me = Type.Object({
  id: Type.Union([Type.String(), Type.Null()]), username: Type.String(), displayName: Type.String(), role: Type.String(), departmentId: Type.Union([Type.String(), Type.Null()]),
  manageUsers: Type.Boolean({ description: '可管理用户（新建、重置密码、改角色）/ may manage users (create, reset passwords, change roles)' }),
});
const Password = Type.String({ minLength: 1, maxLength: MAX_PASSWORD });
export const DeptBody = Type.Object({ code: Code, name: Name, nameEn: Type.Optional(Type.Union([Type.String({ maxLength: 200 }), Type.Null()])), parentId: Type.Optional(NullableUuid), regionCode: Region }, { additionalProperties: false });
export const UserBody = Type.Object({
  username: Type.String({ minLength: 2, maxLength: 64, pattern: '^[A-Za-z0-9_.@-]+$' }), displayName: Name, password: Password, role: Role, departmentId: Type.Optional(NullableUuid),
  idNumber: Type.Optional(Type.String({ minLength: 15, maxLength: 18, description: '公民账号绑定的身份证号（只保存其密钥化假名，用于“谁用了我的数据”）/ a citizen\'s ID number: only its keyed pseudonym is kept, for "who used my data"' })),
}, { additionalProperties: false });
export const UserPatchBody = Type.Object({
  displayName: Type.Optional(Name), password: Type.Optional(Password),
  currentPassword: Type.Optional(Type.String({ maxLength: MAX_PASSWORD, description: '修改自己的密码时必填 / required when changing your own password' })),
  role: Type.Optional(Role), departmentId: Type.Optional(NullableUuid), disabled: Type.Optional(Type.Boolean()),
}, { additionalProperties: false });

export function identityRoutes(ctx: Ctx): FastifyPluginAsyncTypebox {
  return async (app) => {
    // ---- auth
    // Guessing a password through a stolen session is limited like logging in: per user.
    const passwordAttempts = app.createRateLimit({ max: ctx.config.loginRateLimit, timeWindow: '1 minute', keyGenerator: rateLimitKey });
    const countPasswordAttempt = async (req: FastifyRequest) => {
      const r = await passwordAttempts(req);
      if (!r.isAllowed && r.isExceeded) throw problem('rate-limited', `修改密码尝试过多，请 ${r.ttlInSeconds} 秒后再试 / too many password change attempts, retry in ${r.ttlInSeconds} s`);
    };
    const me = (c: Caller) => ({ id: c.id, username: c.username, displayName: c.displayName, role: c.role, departmentId: c.departmentId, manageUsers: managesUsers(ctx, c) });

    app.post('/auth/login', {
      config: { public: true, rateLimit: { max: ctx.config.loginRateLimit, timeWindow: '1 minute', keyGenerator: (req) => req.ip } },
      schema: {
        tags: ['auth'], summary: '登录 / log in', security: [],
        body: Type.Object({ username: Type.String({ minLength: 1, maxLength: 64 }), password: Password }, { additionalProperties: false }),
        response: { 200: Type.Object({ token: Type.String(), expiresAt: Type.String(), user: Me }) },
      },
    }, async (req) => {
      const r = await auth.login(ctx, req.body, { ip: req.ip });
      return { ...r, user: me(r.user) };
    });
    app.post('/auth/logout', { schema: { tags: ['auth'], summary: '退出 / log out' } }, async (req, reply) => {
      await auth.logout(ctx, callerOf(req));
      return reply.code(204).send();
    });
    app.get('/auth/me', { schema: { tags: ['auth'], summary: '当前用户 / current user', response: { 200: Me } } }, (req) => me(callerOf(req)));
    app.post('/auth/password', {
      schema: {
        tags: ['auth'], summary: '修改自己的密码（需当前密码；其他会话随之失效）/ change your own password (needs the current one; your other sessions end)',
        body: Type.Object({ currentPassword: Password, newPassword: Password }, { additionalProperties: false }),
      },
    }, async (req, reply) => {
      await countPasswordAttempt(req);
      await users.changeOwnPassword(ctx, callerOf(req), req.body);
      return reply.code(204).send();
    });

    // ---- departments
    app.get('/departments', { schema: { tags: ['departments'], summary: '部门列表 / list departments', querystring: Type.Intersect([PageQuery, Type.Object({ q: Type.Optional(Type.String({ maxLength: 100 })) })]), response: { 200: Page(DepartmentSchema) } } },
      (req) => departments.list(ctx, callerOf(req), { limit: req.query.limit ?? 50, offset: req.query.offset ?? 0, q: req.query.q }));
    app.post('/departments', { schema: { tags: ['departments'], summary: '新建部门 / create a department', body: DeptBody, response: { 201: DepartmentSchema } } },
      async (req, reply) => reply.code(201).send(await departments.create(ctx, callerOf(req), req.body)));
    app.get('/departments/:id', { schema: { tags: ['departments'], params: IdParams, response: { 200: DepartmentSchema } } },
      (req) => departments.get(ctx, callerOf(req), req.params.id));
    app.patch('/departments/:id', { schema: { tags: ['departments'], params: IdParams, body: Type.Partial(DeptBody, { additionalProperties: false }), response: { 200: DepartmentSchema } } },
      (req) => departments.update(ctx, callerOf(req), req.params.id, req.body));
    app.delete('/departments/:id', { schema: { tags: ['departments'], params: IdParams } }, async (req, reply) => {
      await departments.remove(ctx, callerOf(req), req.params.id);
      return reply.code(204).send();
    });

    // ---- users
    app.get('/users', { schema: { tags: ['users'], summary: '用户列表 / list users', querystring: Type.Intersect([PageQuery, Type.Object({ q: Type.Optional(Type.String({ maxLength: 100 })), departmentId: Type.Optional(Type.String({ format: 'uuid' })), role: Type.Optional(Role) })]), response: { 200: Page(UserSchema) } } },
      (req) => users.list(ctx, callerOf(req), { limit: req.query.limit ?? 50, offset: req.query.offset ?? 0, q: req.query.q, departmentId: req.query.departmentId, role: req.query.role }));
    app.post('/users', {
      schema: {
        tags: ['users'], summary: '新建用户 / create a user',
        body: UserBody,
        response: { 201: UserSchema },
      },
    }, async (req, reply) => reply.code(201).send(await users.create(ctx, callerOf(req), req.body)));
    app.get('/users/:id', { schema: { tags: ['users'], params: IdParams, response: { 200: UserSchema } } }, (req) => users.get(ctx, callerOf(req), req.params.id));
    app.patch('/users/:id', {
      schema: {
        tags: ['users'], params: IdParams,
        body: UserPatchBody,
        response: { 200: UserSchema },
      },
    }, async (req) => {
      const caller = callerOf(req);
      if (req.body.password !== undefined && req.params.id === caller.id) await countPasswordAttempt(req);
      return users.update(ctx, caller, req.params.id, req.body);
    });

    // ---- API tokens
    app.get('/tokens', { schema: { tags: ['tokens'], summary: 'API 令牌 / API tokens', querystring: Type.Intersect([PageQuery, Type.Object({ all: Type.Optional(Type.Boolean()) })]), response: { 200: Page(TokenSchema) } } },
      (req) => apiTokens.list(ctx, callerOf(req), { limit: req.query.limit ?? 50, offset: req.query.offset ?? 0, all: req.query.all }));
    app.post('/tokens', {
      schema: {
        tags: ['tokens'], summary: '新建 API 令牌（仅显示一次）/ create an API token (shown once)',
        body: Type.Object({ name: Name, expiresInDays: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_TOKEN_DAYS })) }, { additionalProperties: false }),
        response: { 201: Type.Intersect([TokenSchema, Type.Object({ token: Type.String() })]) },
      },
    }, async (req, reply) => reply.code(201).send(await apiTokens.create(ctx, callerOf(req), req.body)));
    app.delete('/tokens/:id', { schema: { tags: ['tokens'], summary: '吊销令牌 / revoke', params: IdParams, response: { 200: TokenSchema } } },
      (req) => apiTokens.revoke(ctx, callerOf(req), req.params.id));
  };
}
