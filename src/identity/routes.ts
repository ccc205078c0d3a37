import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ROLES, type Ctx } from '../context.ts';
import { callerOf } from '../server/auth.ts';
import { IdParams, Page, PageQuery } from '../server/schemas.ts';
import { departments } from './departments.ts';
import { apiTokens, auth, MAX_TOKEN_DAYS } from './tokens.ts';
import { users } from './users.ts';

const Role = Type.Union(ROLES.map((r) => Type.Literal(r)));
const Code = Type.String({ minLength: 1, maxLength: 32, pattern: '^[A-Za-z0-9_-]+$' });
const Name = Type.String({ minLength: 1, maxLength: 100 });
const Region = Type.String({ pattern: '^[0-9]{6}$' });
const NullableUuid = Type.Union([Type.String({ format: 'uuid' }), Type.Null()]);

const DepartmentSchema = Type.Object({
  id: Type.String(), code: Type.String(), name: Type.String(), nameEn: Type.Union([Type.String(), Type.Null()]),
  parentId: Type.Union([Type.String(), Type.Null()]), regionCode: Type.String(), createdAt: Type.String(), updatedAt: Type.String(),
});
const UserSchema = Type.Object({
  id: Type.String(), username: Type.String(), displayName: Type.String(), role: Type.String(),
  departmentId: Type.Union([Type.String(), Type.Null()]), departmentName: Type.Union([Type.String(), Type.Null()]),
  disabled: Type.Boolean(), createdAt: Type.String(),
});
const TokenSchema = Type.Object({
  id: Type.String(), name: Type.Union([Type.String(), Type.Null()]), prefix: Type.String(), userId: Type.String(), username: Type.String(),
  createdAt: Type.String(), expiresAt: Type.String(), revokedAt: Type.Union([Type.String(), Type.Null()]), lastUsedAt: Type.Union([Type.String(), Type.Null()]),
});
const Me = Type.Object({ id: Type.Union([Type.String(), Type.Null()]), username: Type.String(), displayName: Type.String(), role: Type.String(), departmentId: Type.Union([Type.String(), Type.Null()]) });

export function identityRoutes(ctx: Ctx): FastifyPluginAsyncTypebox {
  return async (app) => {
    // ---- auth
    app.post('/auth/login', {
      config: { public: true, rateLimit: { max: Number(process.env.GOVHUB_LOGIN_RATE_LIMIT ?? 30), timeWindow: '1 minute', keyGenerator: (req) => req.ip } },
      schema: {
        tags: ['auth'], summary: '登录 / log in', security: [],
        body: Type.Object({ username: Type.String({ minLength: 1, maxLength: 64 }), password: Type.String({ minLength: 1, maxLength: 256 }) }, { additionalProperties: false }),
        response: { 200: Type.Object({ token: Type.String(), expiresAt: Type.String(), user: Me }) },
      },
    }, (req) => auth.login(ctx, req.body, { ip: req.ip }));
    app.post('/auth/logout', { schema: { tags: ['auth'], summary: '退出 / log out' } }, async (req, reply) => {
      await auth.logout(ctx, callerOf(req));
      return reply.code(204).send();
    });
    app.get('/auth/me', { schema: { tags: ['auth'], summary: '当前用户 / current user', response: { 200: Me } } }, (req) => {
      const c = callerOf(req);
      return { id: c.id, username: c.username, displayName: c.displayName, role: c.role, departmentId: c.departmentId };
    });

    // ---- departments
    const DeptBody = Type.Object({ code: Code, name: Name, nameEn: Type.Optional(Type.Union([Type.String({ maxLength: 200 }), Type.Null()])), parentId: Type.Optional(NullableUuid), regionCode: Region }, { additionalProperties: false });
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
    app.get('/users', { schema: { tags: ['users'], summary: '用户列表 / list users', querystring: Type.Intersect([PageQuery, Type.Object({ q: Type.Optional(Type.String({ maxLength: 100 })), departmentId: Type.Optional(Type.String({ format: 'uuid' })) })]), response: { 200: Page(UserSchema) } } },
      (req) => users.list(ctx, callerOf(req), { limit: req.query.limit ?? 50, offset: req.query.offset ?? 0, q: req.query.q, departmentId: req.query.departmentId }));
    app.post('/users', {
      schema: {
        tags: ['users'], summary: '新建用户 / create a user',
        body: Type.Object({ username: Type.String({ minLength: 2, maxLength: 64, pattern: '^[A-Za-z0-9_.@-]+$' }), displayName: Name, password: Type.String({ minLength: 1, maxLength: 256 }), role: Role, departmentId: Type.Optional(NullableUuid) }, { additionalProperties: false }),
        response: { 201: UserSchema },
      },
    }, async (req, reply) => reply.code(201).send(await users.create(ctx, callerOf(req), req.body)));
    app.get('/users/:id', { schema: { tags: ['users'], params: IdParams, response: { 200: UserSchema } } }, (req) => users.get(ctx, callerOf(req), req.params.id));
    app.patch('/users/:id', {
      schema: {
        tags: ['users'], params: IdParams,
        body: Type.Object({ displayName: Type.Optional(Name), password: Type.Optional(Type.String({ minLength: 1, maxLength: 256 })), role: Type.Optional(Role), departmentId: Type.Optional(NullableUuid), disabled: Type.Optional(Type.Boolean()) }, { additionalProperties: false }),
        response: { 200: UserSchema },
      },
    }, (req) => users.update(ctx, callerOf(req), req.params.id, req.body));

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
