import { Type, type FastifyPluginAsyncTypebox, type TSchema } from '@fastify/type-provider-typebox';
import { callerOf, type Ctx } from '../kernel/index.ts';
import { overview } from './service.ts';

const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);

const OverviewSchema = Type.Object({
  scope: Type.Union([Type.Literal('department'), Type.Literal('city')]), departmentId: Nullable(Type.String()),
  days: Type.Array(Type.Object({
    day: Type.String(), jobs: Type.Integer(), failed: Type.Integer(), rowsAccepted: Type.Number(), rowsRejected: Type.Number(), quality: Nullable(Type.Number()),
  })),
  totals: Type.Object({ datasets: Type.Integer(), rows: Type.Number(), jobs: Type.Integer(), rowsRejected: Type.Number(), failedJobs: Type.Integer() }),
  failedJobs: Type.Array(Type.Object({ jobId: Type.String(), datasetCode: Type.String(), sourceName: Type.String(), error: Nullable(Type.String()), finishedAt: Nullable(Type.String()) })),
  failingSources: Type.Array(Type.Object({ sourceId: Type.String(), name: Type.String(), datasetCode: Type.String(), error: Nullable(Type.String()), finishedAt: Nullable(Type.String()) })),
  todos: Type.Array(Type.Object({ kind: Type.String(), count: Type.Integer() })),
}, { $id: 'DashboardOverview' });

/** The console's home page figures. */
export function dashboardRoutes(ctx: Ctx): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get('/dashboard', {
      schema: {
        tags: ['dashboard'], summary: '工作台：归集趋势、质量趋势、失败任务与数据源、待办 / dashboard: ingest and quality trends, failures, to-dos',
        description: '部门用户看本部门，管理员看全市；日期按北京时间 / officers see their department, admins the city; days in Asia/Shanghai',
        querystring: Type.Object({ days: Type.Optional(Type.Integer({ minimum: 1, maximum: 90, default: 14 })) }),
        response: { 200: OverviewSchema },
      },
    }, (req) => overview(ctx, callerOf(req), { days: req.query.days ?? 14 }));
  };
}
