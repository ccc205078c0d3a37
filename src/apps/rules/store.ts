import type { Queryable } from '../../control/index.ts';
import { iso } from '../../kernel/index.ts';
import type { Rule, RuleRunSummary } from './types.ts';

export interface RuleDbRow {
  id: string; code: string; name: string; description: string; kind: Rule['kind']; query: Rule['query']; key_fields: string[];
  subject: Rule['subject'] | null; owner_department_id: string; responsible_department_id: string; trigger: Rule['trigger'];
  schedule: string | null; as_of_text: string | null; action: Rule['action']; watches: string[]; enabled: boolean;
  created_at: Date | string; updated_at: Date | string;
  od_code: string; od_name: string; rd_code: string; rd_name: string;
}

export interface RunDbRow {
  id: string; rule_id: string; trigger: RuleRunSummary['trigger']; status: RuleRunSummary['status']; started_at: Date | string; finished_at: Date | string | null;
  rows: number; counts: Record<string, number>; versions: Record<string, number>; error: string | null; cause: Record<string, unknown> | null;
}

export const RULE_SELECT = `SELECT r.id, r.code, r.name, r.description, r.kind, r.query, r.key_fields, r.subject, r.owner_department_id, r.responsible_department_id,
  r.trigger, r.schedule, to_char(r.as_of, 'YYYY-MM-DD') AS as_of_text, r.action, r.watches, r.enabled, r.created_at, r.updated_at,
  od.code AS od_code, od.name AS od_name, rd.code AS rd_code, rd.name AS rd_name
  FROM rules r JOIN departments od ON od.id = r.owner_department_id JOIN departments rd ON rd.id = r.responsible_department_id`;

export const RUN_COLS = 'id, rule_id, trigger, status, started_at, finished_at, rows, counts, versions, error, cause';

export const toRun = (r: RunDbRow): RuleRunSummary & { cause: Record<string, unknown> | null } => ({
  id: r.id, trigger: r.trigger, status: r.status, startedAt: iso(r.started_at)!, finishedAt: r.finished_at ? iso(r.finished_at) : null,
  rows: Number(r.rows), counts: r.counts ?? {}, versions: r.versions ?? {}, error: r.error, cause: r.cause ?? null,
});

export function toRule(r: RuleDbRow, lastRun: RunDbRow | null): Rule {
  return {
    id: r.id, code: r.code, name: r.name, description: r.description, kind: r.kind, query: r.query, key: r.key_fields,
    ...(r.subject ? { subject: r.subject } : {}),
    ownerDepartment: { id: r.owner_department_id, code: r.od_code, name: r.od_name },
    responsibleDepartment: { id: r.responsible_department_id, code: r.rd_code, name: r.rd_name },
    trigger: r.trigger, schedule: r.schedule, asOf: r.as_of_text, action: r.action ?? {}, watches: r.watches ?? [], enabled: r.enabled,
    createdAt: iso(r.created_at)!, updatedAt: iso(r.updated_at)!, lastRun: lastRun ? toRun(lastRun) : null,
  };
}

/** The latest run of each of these rules. */
export async function lastRuns(q: Queryable, ids: string[]): Promise<Map<string, RunDbRow>> {
  if (!ids.length) return new Map();
  const rows = await q.query<RunDbRow>(
    `SELECT DISTINCT ON (rule_id) ${RUN_COLS} FROM rule_runs WHERE rule_id = ANY($1::uuid[]) ORDER BY rule_id, started_at DESC`, [ids]);
  return new Map(rows.map((r) => [r.rule_id, r]));
}
