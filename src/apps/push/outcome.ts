/**
 * What a push rule's run does with its rows: each row is an event (the rule's key) for a subject
 * (the keyed pseudonym of an ID number); a new event becomes a notice candidate for the responsible
 * department's second check. An event already noticed is never noticed again (one notice per rule
 * and event, by the table's unique key); a subject who opted out of the rule or of all push gets
 * no candidate at all.
 */
import { raiseNotice } from '../../identity/index.ts';
import { type Ctx, newId, SYSTEM } from '../../kernel/index.ts';
import type { OutcomeHandler, Rule, RuleRow, RunInfo } from '../rules/index.ts';
import { BODY_MAX, render, TITLE_MAX } from './render.ts';

/** Rows inserted per statement. */
const CHUNK = 1000;

export interface PushCounts extends Record<string, number> {
  candidates: number;
  new: number;
  duplicate: number;
  optedOut: number;
  noSubject: number;
}

/** Opt-outs of a rule (and of all push), as a set of subjects. */
async function optedOut(ctx: Ctx, ruleId: string): Promise<Set<string>> {
  const rows = await ctx.db.query<{ subject: string }>(`SELECT subject FROM push_opt_outs WHERE scope = $1 OR scope = '*'`, [ruleId]);
  return new Set(rows.map((r) => r.subject));
}

export async function applyPush(ctx: Ctx, rule: Rule, run: RunInfo, rows: RuleRow[]): Promise<PushCounts> {
  const counts: PushCounts = { candidates: rows.length, new: 0, duplicate: 0, optedOut: 0, noSubject: 0 };
  const out = await optedOut(ctx, rule.id);
  const notice = rule.action?.notice ?? { title: rule.name, body: rule.description ?? rule.name };
  const channel = notice.channel ?? 'inbox';
  const kind = rule.subject?.kind ?? 'person';
  const now = run.at.toISOString();
  const fresh: Record<string, unknown>[] = [];
  for (const r of rows) {
    if (!r.subject) counts.noSubject++;
    else if (out.has(r.subject)) counts.optedOut++;
    else fresh.push({
      id: newId(), event_key: r.key, subject: r.subject, title: render(notice.title, r.row, TITLE_MAX), body: render(notice.body, r.row, BODY_MAX),
      evidence: r.row,
    });
  }
  await ctx.db.transaction(async (tx) => {
    for (let i = 0; i < fresh.length; i += CHUNK) {
      const inserted = await tx.query<{ id: string }>(
        `INSERT INTO push_notices (id, rule_id, rule_code, rule_name, run_id, event_key, subject, subject_kind, owner_department_id, department_id,
           status, channel, grant_without_application, webhook, title, body, evidence, versions, created_at, updated_at)
         SELECT x.id, $2, $3, $4, $5, x.event_key, x.subject, $6, $7, $8, 'candidate', $9, $10, $11, x.title, x.body, x.evidence, $12, $13, $13
           FROM jsonb_to_recordset($1::jsonb) AS x(id uuid, event_key text, subject text, title text, body text, evidence jsonb)
         ON CONFLICT (rule_id, event_key) DO NOTHING RETURNING id`,
        [JSON.stringify(fresh.slice(i, i + CHUNK)), rule.id, rule.code, rule.name, run.id, kind, rule.ownerDepartment.id, rule.responsibleDepartment.id,
          channel, !!rule.action?.grantWithoutApplication, rule.action?.webhook ?? null, JSON.stringify(run.versions), now],
      );
      counts.new += inserted.length;
    }
    counts.duplicate = fresh.length - counts.new;
    await ctx.audit.append(tx, SYSTEM, {
      action: 'push.candidates', objectType: 'rule', objectId: rule.id, departmentId: rule.responsibleDepartment.id,
      details: { rule: rule.code, run: run.id, trigger: run.trigger, versions: run.versions, ...counts },
    });
    if (counts.new) {
      await raiseNotice(tx, {
        kind: 'push.candidates', title: `推送待复核：${rule.name}`, body: `新增 ${counts.new} 条待复核的推送对象 / ${counts.new} new candidates to check`,
        objectType: 'rule', objectId: rule.id, departmentId: rule.responsibleDepartment.id, admins: false,
      });
    }
  });
  return counts;
}

/** The outcome handler of push rules (registered with the rule engine). */
export const pushOutcome: OutcomeHandler = {
  kind: 'push',
  apply: (ctx, rule, run, rows) => applyPush(ctx, rule, run, rows),
};
