import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Ctx } from '../kernel/index.ts';
import { openEntries, openEntry, publicEntry } from './openData.ts';

const CodeParams = Type.Object({ code: Type.String({ minLength: 1, maxLength: 64 }) });
const Count = Type.Object({ value: Type.String(), count: Type.Integer() });

/** The open-data portal's catalog pages, public: home (themes, counts, latest) and a dataset's page. */
export function portalRoutes(ctx: Ctx): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get('/open/home', {
      config: { public: true },
      schema: {
        tags: ['open data'], summary: '开放门户首页：主题、部门、数量与最新数据集 / portal home',
        response: {
          200: Type.Object({
            datasets: Type.Integer(), rows: Type.Integer(), departments: Type.Integer(), themes: Type.Array(Count), byDepartment: Type.Array(Count),
            latest: Type.Array(Type.Record(Type.String(), Type.Unknown())),
          }),
        },
      },
    }, async () => {
      const open = await openEntries(ctx.db);
      const count = (key: (d: (typeof open)[number]) => string) => {
        const m = new Map<string, number>();
        for (const d of open) m.set(key(d), (m.get(key(d)) ?? 0) + 1);
        return [...m].map(([value, count]) => ({ value, count })).sort((a, b) => b.count - a.count || a.value.localeCompare(b.value));
      };
      const latest = [...open].sort((a, b) => (b.dataUpdatedAt ?? b.publishedAt ?? '').localeCompare(a.dataUpdatedAt ?? a.publishedAt ?? '')).slice(0, 8);
      return {
        datasets: open.length, rows: open.reduce((n, d) => n + d.rowCount, 0), departments: new Set(open.map((d) => d.departmentId)).size,
        themes: count((d) => d.theme ?? '其他'), byDepartment: count((d) => d.departmentName), latest: latest.map(publicEntry),
      };
    });

    app.get('/open/datasets/:code', {
      config: { public: true },
      schema: {
        tags: ['open data'], summary: '开放数据集详情：字段、更新历史、质量 / an open dataset: fields, update history, quality', params: CodeParams,
        response: {
          200: Type.Object({
            dataset: Type.Record(Type.String(), Type.Unknown()),
            versions: Type.Array(Type.Object({ version: Type.Integer(), mode: Type.String(), rowCount: Type.Integer(), rowsAdded: Type.Integer(), createdAt: Type.String(), quality: Type.Union([Type.Number(), Type.Null()]) })),
          }),
        },
      },
    }, async (req) => {
      const ds = await openEntry(ctx.db, req.params.code);
      const versions = await ctx.db.query<{ version: number; mode: string; row_count: string | number; rows_added: string | number; created_at: Date; quality: number | null }>(
        `SELECT v.version, v.mode, v.row_count, v.rows_added, v.created_at, (j.quality->>'score')::float8 AS quality
           FROM dataset_versions v LEFT JOIN ingest_jobs j ON j.id = v.job_id WHERE v.dataset_id = $1 ORDER BY v.version DESC LIMIT 100`, [ds.id]);
      return {
        dataset: publicEntry(ds),
        versions: versions.map((v) => ({ version: v.version, mode: v.mode, rowCount: Number(v.row_count), rowsAdded: Number(v.rows_added), createdAt: new Date(v.created_at).toISOString(), quality: v.quality === null ? null : Number(v.quality) })),
      };
    });
  };
}
