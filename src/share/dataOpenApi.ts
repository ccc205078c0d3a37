import type { Dataset } from '../catalog/index.ts';
import { type Caller, type Ctx, VERSION } from '../kernel/index.ts';
import { planRead } from './guard.ts';
import { DATA_FORMATS, DATA_LIMIT_MAX } from './reads.ts';

const JSON_TYPES: Record<string, Record<string, string>> = {
  string: { type: 'string' }, integer: { type: 'integer' }, number: { type: 'number' }, decimal: { type: 'number' },
  boolean: { type: 'boolean' }, date: { type: 'string', format: 'date' }, timestamp: { type: 'string', format: 'date-time' },
};

/**
 * The OpenAPI 3.0 document of one dataset's data service as this caller may use it: the fields their
 * grant covers (a masked field is a string, with its mask named), the filter and sort fields allowed.
 */
export async function dataServiceOpenApi(ctx: Ctx, caller: Caller, ds: Dataset) {
  const plan = await planRead(ctx, caller, ds);
  const clear = plan.columns.filter((c) => !c.masked).map((c) => c.name);
  const row = {
    type: 'object',
    properties: Object.fromEntries(plan.columns.map((c) => [c.name, {
      ...(c.masked ? { type: 'string' } : JSON_TYPES[c.type] ?? { type: 'string' }), nullable: true,
      description: `${c.title}（${c.sensitivity}${c.masked ? `，脱敏：${c.mask}` : ''}）`,
    }])),
  };
  return {
    openapi: '3.0.3',
    info: {
      title: `${ds.name}（${ds.code}）数据服务 / data service`, version: VERSION,
      description: `${ds.departmentName} 提供。${plan.grant ? `授权 ${plan.grant.id}，用途：${plan.grant.purpose}，有效期至 ${plan.grant.validUntil}` : '本部门数据'}。每次调用留痕。`,
    },
    components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } }, schemas: { Row: row } },
    security: [{ bearer: [] }],
    paths: {
      [`/api/v1/data/${ds.code}`]: {
        get: {
          summary: `读取 ${ds.name}`,
          parameters: [
            { name: 'fields', in: 'query', schema: { type: 'string' }, description: `逗号分隔，可选：${plan.columns.map((c) => c.name).join(', ')}` },
            { name: 'filter', in: 'query', schema: { type: 'string' }, description: `JSON：{"字段":{"eq"|"in"|"gt"|"gte"|"lt"|"lte"|"prefix"|"isNull":值}}；可筛选字段：${clear.join(', ')}` },
            { name: 'sort', in: 'query', schema: { type: 'string' }, description: `逗号分隔，-表示降序；可排序字段：${clear.join(', ')}` },
            { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: DATA_LIMIT_MAX, default: 100 } },
            { name: 'cursor', in: 'query', schema: { type: 'string' }, description: '上一页返回的 nextCursor' },
            { name: 'version', in: 'query', schema: { type: 'integer', minimum: 1 } },
            { name: 'format', in: 'query', schema: { type: 'string', enum: [...DATA_FORMATS], default: 'json' } },
          ],
          responses: {
            200: {
              description: 'OK',
              content: {
                'application/json': { schema: { type: 'object', properties: { dataset: { type: 'string' }, version: { type: 'integer' }, grantId: { type: 'string', nullable: true }, rows: { type: 'array', items: { $ref: '#/components/schemas/Row' } }, nextCursor: { type: 'string', nullable: true } } } },
                'application/x-ndjson': { schema: { $ref: '#/components/schemas/Row' } },
                'text/csv': { schema: { type: 'string' } },
                'application/vnd.apache.parquet': { schema: { type: 'string', format: 'binary' } },
              },
            },
            403: { description: '无授权、授权已过期或撤销、字段不在授权内 / no grant, expired or revoked, field not granted' },
            429: { description: '超出授权配额 / quota used up' },
          },
        },
      },
    },
  };
}
