import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { type Ctx, callerOf, Literals, Uuid } from '../../kernel/index.ts';
import { dashboards, MAX_WIDGETS, RANGES, SHARE_ROLES } from './dashboards.ts';

const TAGS = ['monitor'];
const Opt = Type.Optional;
const Code = Type.Object({ code: Type.String({ maxLength: 45 }) });
const Any = Type.Any();
// widgets are checked by the service, which names the field of every problem (layout.2.config.source.indicator)
const Body = Type.Object({
  code: Opt(Type.String({ maxLength: 41 })), name: Type.String({ maxLength: 100 }), description: Opt(Type.String({ maxLength: 2000 })), departmentId: Opt(Uuid),
  layout: Opt(Type.Array(Type.Any(), { maxItems: MAX_WIDGETS, description: '组件：{id, type, title, x, y, w, h, config}，24 列网格 / widgets on a 24-column grid' })),
  filters: Opt(Type.Object({ range: Opt(Type.Union([Literals(RANGES), Type.Null()])), district: Opt(Type.Union([Type.String({ maxLength: 12 }), Type.Null()])) }, { additionalProperties: false })),
  refreshSeconds: Opt(Type.Integer({ minimum: 0, maximum: 86_400, description: '自动刷新间隔（秒），0 不刷新 / auto-refresh seconds, 0 off' })),
}, { additionalProperties: false });
const Share = Type.Object({
  departments: Opt(Type.Array(Uuid, { maxItems: 500 })), roles: Opt(Type.Array(Literals(SHARE_ROLES as ['admin', 'officer', 'analyst', 'handler']), { maxItems: 4 })), all: Opt(Type.Boolean()),
}, { additionalProperties: false });

/** The dashboard API (驾驶舱): layouts only — each widget's data is read by the viewer through the guarded APIs. */
export function dashboardRoutes(ctx: Ctx): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get('/dashboards', { schema: { tags: TAGS, summary: '驾驶舱：本部门的与共享给我的 / dashboards: my department\'s and those shared with me', response: { 200: Any } } },
      async (req) => dashboards.list(ctx, callerOf(req)));
    app.post('/dashboards', { schema: { tags: TAGS, summary: '新建驾驶舱 / create a dashboard', body: Body, response: { 201: Any } } },
      async (req, reply) => reply.code(201).send(await dashboards.create(ctx, callerOf(req), req.body)));
    app.get('/dashboards/:code', { schema: { tags: TAGS, summary: '驾驶舱布局 / a dashboard', params: Code, response: { 200: Any } } },
      async (req) => dashboards.get(ctx, callerOf(req), req.params.code));
    app.put('/dashboards/:code', { schema: { tags: TAGS, summary: '修改驾驶舱（所属部门专员、创建人或管理员）/ change a dashboard', params: Code, body: Body, response: { 200: Any } } },
      async (req) => dashboards.update(ctx, callerOf(req), req.params.code, req.body));
    app.delete('/dashboards/:code', { schema: { tags: TAGS, summary: '删除驾驶舱 / delete a dashboard', params: Code, response: { 204: Type.Null() } } },
      async (req, reply) => {
        await dashboards.remove(ctx, callerOf(req), req.params.code);
        return reply.code(204).send(null);
      });
    app.put('/dashboards/:code/share', { schema: { tags: TAGS, summary: '共享给部门或角色（只共享布局，不共享数据）/ share with departments or roles (the layout, never data)', params: Code, body: Share, response: { 200: Any } } },
      async (req) => dashboards.share(ctx, callerOf(req), req.params.code, req.body));
  };
}
