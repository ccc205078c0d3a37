import { type Caller, type Ctx, problem, requireRole, requireSameDepartment } from '../kernel/index.ts';
import { Filter, type Queryable } from '../control/index.ts';
import { raiseNotice } from '../identity/index.ts';
import { DATASET_SELECT, datasetByCode, datasets, toDataset } from './datasets.ts';
import { catalogChanged } from './events.ts';
import type { Dataset, EntryStatus } from './types.ts';

type Step = 'submit' | 'publish' | 'return' | 'withdraw';
/** `quiet`: no notices (the platform loading its demo city); the step is audited all the same. */
interface StepOptions { quiet?: boolean }

/** Which states each review step starts from, and where it leads. */
const STEPS: Record<Step, { from: EntryStatus[]; to: EntryStatus; zh: string }> = {
  submit: { from: ['draft', 'returned'], to: 'submitted', zh: '提交审核' },
  publish: { from: ['submitted'], to: 'published', zh: '发布' },
  return: { from: ['submitted'], to: 'returned', zh: '退回' },
  withdraw: { from: ['published'], to: 'draft', zh: '撤回发布' },
};

/**
 * Move an entry one step through review, audited: its department submits (draft or returned →
 * submitted); the admin publishes or returns it with a reason, and may withdraw a published
 * entry (back to draft, with a reason).
 */
async function step(ctx: Ctx, caller: Caller, code: string, s: Step, reason?: string, opts: StepOptions = {}): Promise<Dataset> {
  if (s === 'submit') requireRole(caller, 'admin', 'officer');
  else requireRole(caller, 'admin');
  const note = reason?.trim() || null;
  if ((s === 'return' || s === 'withdraw') && !note) throw problem('validation', 'reason: 须说明原因 / a reason is required', [{ field: 'reason', message: 'required' }]);
  const out = await ctx.db.transaction(async (tx: Queryable) => {
    const cur = await datasets.require(tx, code, caller);
    requireSameDepartment(caller, cur.departmentId);
    const { from, to, zh } = STEPS[s];
    if (!from.includes(cur.status)) {
      throw problem('conflict', `目录条目 ${code} 当前为 ${cur.status}，不能${zh} / entry is ${cur.status}: cannot ${s}`, [{ field: 'status', message: `is ${cur.status}; ${s} needs ${from.join(' or ')}` }]);
    }
    await tx.query(
      `UPDATE datasets SET status = $2, review_note = $3,
         submitted_at = CASE WHEN $2 = 'submitted' THEN now() ELSE submitted_at END,
         reviewed_by = CASE WHEN $2 = 'submitted' THEN reviewed_by ELSE $4 END,
         reviewed_at = CASE WHEN $2 = 'submitted' THEN reviewed_at ELSE now() END,
         published_at = CASE WHEN $2 = 'published' THEN coalesce(published_at, now()) ELSE published_at END,
         updated_at = now()
       WHERE id = $1`,
      [cur.id, to, s === 'submit' ? null : note, caller.id],
    );
    if (!opts.quiet) await raiseNotice(tx, {
      kind: `catalog.${s}`, objectType: 'dataset', objectId: code, departmentId: cur.departmentId, admins: s === 'submit',
      title: `目录条目${zh}：${cur.name} / catalog entry ${code}: ${s}`, body: note ?? '',
    });
    await ctx.audit.append(tx, caller, { action: `catalog.${s}`, objectType: 'dataset', objectId: code, departmentId: cur.departmentId, details: { from: cur.status, to, ...(note ? { reason: note } : {}) } });
    return (await datasetByCode(tx, code))!;
  });
  catalogChanged(ctx);
  return out;
}

export const catalogReview = {
  submit: (ctx: Ctx, caller: Caller, code: string, opts?: StepOptions) => step(ctx, caller, code, 'submit', undefined, opts),
  publish: (ctx: Ctx, caller: Caller, code: string, opts?: StepOptions) => step(ctx, caller, code, 'publish', undefined, opts),
  return: (ctx: Ctx, caller: Caller, code: string, reason: string) => step(ctx, caller, code, 'return', reason),
  withdraw: (ctx: Ctx, caller: Caller, code: string, reason: string) => step(ctx, caller, code, 'withdraw', reason),

  /**
   * The review queue: for the admin, entries awaiting review (submitted, oldest first); for a
   * department's officer, their entries not yet published (drafts, submitted, returned).
   */
  queue(ctx: Ctx, caller: Caller, page: { limit: number; offset: number; status?: EntryStatus }) {
    requireRole(caller, 'admin', 'officer');
    const f = new Filter();
    if (caller.role === 'admin') f.eq('ds.status', page.status ?? 'submitted');
    else {
      f.add(`ds.department_id = ${f.param(caller.departmentId)}`);
      if (page.status) f.eq('ds.status', page.status);
      else f.add(`ds.status <> 'published'`);
    }
    return f.page(ctx.db, DATASET_SELECT, 'ds.submitted_at NULLS LAST, ds.code', page, toDataset);
  },
};
