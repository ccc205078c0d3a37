import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { datasets } from '../catalog/index.ts';
import { type Ctx, callerOf, PageQuery } from '../kernel/index.ts';
import { readPage } from './guard.ts';

const CodeParams = Type.Object({ code: Type.String({ minLength: 1, maxLength: 64 }) });

/** The data-service routes: every read of dataset contents over HTTP goes through here, and so through the guard. */
export function shareRoutes(ctx: Ctx): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get('/datasets/:code/rows', {
      schema: {
        tags: ['datasets'], summary: '读取数据（经共享守卫，留痕）/ read rows through the share guard (audited)', params: CodeParams,
        description: 'basis：owner 本部门（明文）、admin 管理员（L3/L4 脱敏）、unconditional 无条件共享（L3/L4 脱敏）/ owner reads in clear; admin and unconditional readers see L3/L4 masked',
        querystring: Type.Intersect([PageQuery, Type.Object({
          version: Type.Optional(Type.Integer({ minimum: 1, maximum: 2_147_483_647 })), fields: Type.Optional(Type.String({ maxLength: 2000 })),
        })]),
        response: {
          200: Type.Object({
            columns: Type.Array(Type.Object({ name: Type.String(), title: Type.String(), type: Type.String(), sensitivity: Type.String(), masked: Type.Boolean() })),
            rows: Type.Array(Type.Record(Type.String(), Type.Unknown())), total: Type.Integer(), version: Type.Integer(), basis: Type.String(),
          }),
        },
      },
    }, async (req) => {
      const caller = callerOf(req);
      const ds = await datasets.get(ctx, caller, req.params.code);
      const fields = req.query.fields ? req.query.fields.split(',').map((s) => s.trim()).filter(Boolean) : undefined;
      return readPage(ctx, caller, ds, { fields, version: req.query.version, limit: req.query.limit ?? 50, offset: req.query.offset ?? 0 });
    });
  };
}
