import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { type Ctx, callerOf, Literals } from '../kernel/index.ts';
import { calendar } from './service.ts';

const KINDS = ['holiday', 'workday'] as const;
const YearParams = Type.Object({ year: Type.Integer({ minimum: 1970, maximum: 2100 }) });
const DayInput = Type.Object({
  day: Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: '日期 / day (YYYY-MM-DD, Asia/Shanghai)' }),
  kind: Literals(KINDS),
  name: Type.String({ minLength: 1, maxLength: 50, description: '节日名称，如 春节 / the holiday, e.g. 春节' }),
}, { additionalProperties: false });
const YearSchema = Type.Object({
  year: Type.Integer(),
  days: Type.Array(Type.Object({ day: Type.String(), kind: Literals(KINDS), name: Type.String(), source: Literals(['builtin', 'custom'] as const) })),
  workingDays: Type.Integer({ description: '当年工作日数 / working days in the year' }),
}, { $id: 'CalendarYear' });

export function calendarRoutes(ctx: Ctx): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get('/calendar/:year', {
      schema: {
        tags: ['calendar'], summary: '工作日历：某年的节假日与调休补班 / working calendar: a year\'s holidays and make-up workdays',
        params: YearParams, response: { 200: YearSchema },
      },
    }, async (req) => calendar.list(ctx, callerOf(req), req.params.year));
    app.put('/calendar/:year', {
      schema: {
        tags: ['calendar'], summary: '设置某年的节假日与调休（管理员；空列表恢复内置安排）/ set a year\'s special days (admin; an empty list restores the built-in arrangement)',
        params: YearParams, body: Type.Object({ days: Type.Array(DayInput, { maxItems: 366 }) }, { additionalProperties: false }),
        response: { 200: YearSchema },
      },
    }, async (req) => calendar.setYear(ctx, callerOf(req), req.params.year, req.body.days));
  };
}
