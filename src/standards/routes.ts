import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { type Ctx, callerOf, Literals } from '../kernel/index.ts';
import { ELEMENT_TEMPLATES } from './registry.ts';
import { standards } from './service.ts';

const ElementSchema = Type.Object({
  id: Type.String(), title: Type.String(), titleEn: Type.String(), description: Type.String(), descriptionEn: Type.Optional(Type.String()), standard: Type.Optional(Type.String()),
  macroName: Type.Optional(Type.String()), reasonMacroName: Type.Optional(Type.String()), normalizeMacroName: Type.Optional(Type.String()),
  normalizes: Type.Boolean(), reasons: Type.Array(Type.String()), kind: Type.String(),
  params: Type.Optional(Type.Array(Type.Object({ name: Type.String(), type: Type.String(), title: Type.String(), titleEn: Type.Optional(Type.String()), required: Type.Optional(Type.Boolean()) }))),
  codes: Type.Optional(Type.Record(Type.String(), Type.String(), { description: '代码表：代码 → 名称（用于按名称显示值）/ code → name, to show values by name' })),
  codesEn: Type.Optional(Type.Record(Type.String(), Type.String())),
});
const Params = Type.Record(Type.String(), Type.Unknown());

export function standardsRoutes(ctx: Ctx): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get('/standards/elements', { schema: { tags: ['standards'], summary: '数据元列表 / data elements', response: { 200: Type.Object({ items: Type.Array(ElementSchema) }) } } },
      async (req) => { callerOf(req); return standards.list(); });
    app.post('/standards/validate', {
      schema: {
        tags: ['standards'], summary: '校验单个值 / check one value against an element',
        body: Type.Object({ element: Type.String({ maxLength: 64 }), value: Type.Union([Type.String({ maxLength: 1000 }), Type.Number(), Type.Null()]), params: Type.Optional(Params) }, { additionalProperties: false }),
        response: { 200: Type.Object({ ok: Type.Boolean(), reason: Type.Optional(Type.String()), normalized: Type.Optional(Type.String()), flag: Type.Optional(Type.String()) }) },
      },
    }, async (req) => standards.check(callerOf(req), req.body));
    app.post('/standards/elements', {
      schema: {
        tags: ['standards'], summary: '定义自定义数据元 / define a custom element',
        body: Type.Object({
          id: Type.String({ pattern: '^[a-z][a-z0-9_]{1,62}$' }), title: Type.String({ minLength: 1, maxLength: 100 }), titleEn: Type.Optional(Type.String({ maxLength: 100 })),
          description: Type.Optional(Type.String({ maxLength: 1000 })), template: Literals(ELEMENT_TEMPLATES), params: Params,
        }, { additionalProperties: false }),
        response: { 201: ElementSchema },
      },
    }, async (req, reply) => reply.code(201).send(await standards.define(ctx, callerOf(req), req.body)));
    app.delete('/standards/elements/:id', { schema: { tags: ['standards'], params: Type.Object({ id: Type.String({ maxLength: 64 }) }) } }, async (req, reply) => {
      await standards.remove(ctx, callerOf(req), req.params.id);
      return reply.code(204).send();
    });
  };
}
