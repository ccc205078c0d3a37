/**
 * People's decisions about links: merge two profiles, split records off a profile, and the answers
 * of the clerical review ("the same person" / "not the same person"). Each is stored as must-links
 * and cannot-links between record ids — which outlive cluster ids — so every later run honours it;
 * each is audited with its reason, and the clusters are recomputed at once (no pair is re-scored).
 */
import { type Caller, type Ctx, iso, newId, notFound, problem } from '../kernel/index.ts';
import type { Queryable } from '../control/index.ts';
import type { EntityKind } from './kinds.ts';

export type DecisionAction = 'merge' | 'split' | 'match' | 'no_match';
type Pair = [string, string];

export interface Decision {
  id: string;
  action: DecisionAction;
  reason: string;
  actor: string;
  at: string;
  clusterIds: string[];
}

/** Every must-link and cannot-link of a kind, later decisions over earlier ones on the same pair. */
export async function decisionLinks(q: Queryable, kind: EntityKind): Promise<{ mustLink: Pair[]; cannotLink: Pair[] }> {
  const rows = await q.query<{ must_link: Pair[]; cannot_link: Pair[] }>('SELECT must_link, cannot_link FROM entity_decisions WHERE kind = $1 ORDER BY created_at, id', [kind]);
  const last = new Map<string, { pair: Pair; must: boolean }>();
  const put = (p: Pair, must: boolean) => {
    const pair: Pair = p[0] < p[1] ? [p[0], p[1]] : [p[1], p[0]];
    last.set(pair.join('\u0000'), { pair, must });
  };
  for (const r of rows) {
    for (const p of r.must_link) put(p, true);
    for (const p of r.cannot_link) put(p, false);
  }
  const all = [...last.values()];
  return { mustLink: all.filter((x) => x.must).map((x) => x.pair), cannotLink: all.filter((x) => !x.must).map((x) => x.pair) };
}

const REASON_MIN = 4;
function checkReason(reason: string): string {
  const r = (reason ?? '').trim();
  if (r.length < REASON_MIN) throw problem('validation', `reason: 请写明理由（至少 ${REASON_MIN} 个字）/ give a reason (at least ${REASON_MIN} characters)`, [{ field: 'reason', message: 'too short' }]);
  return r;
}

interface Member { rid: string; cluster_id: string; department_id: string }

/** The records of a cluster (following an alias when the cluster was merged away). */
export async function clusterMembers(q: Queryable, kind: EntityKind, clusterId: string): Promise<{ id: string; members: Member[]; redirectedFrom: string | null }> {
  let id = clusterId;
  let members = await q.query<Member>(`SELECT m.rid, m.cluster_id, d.department_id FROM entity_members m JOIN datasets d ON d.id = m.dataset_id WHERE m.kind = $1 AND m.cluster_id = $2 ORDER BY m.rid`, [kind, id]);
  let redirectedFrom: string | null = null;
  if (!members.length) {
    const alias = await q.one<{ new_id: string }>('SELECT new_id FROM entity_aliases WHERE kind = $1 AND old_id = $2', [kind, clusterId]);
    if (alias) {
      redirectedFrom = clusterId;
      id = alias.new_id;
      members = await q.query<Member>(`SELECT m.rid, m.cluster_id, d.department_id FROM entity_members m JOIN datasets d ON d.id = m.dataset_id WHERE m.kind = $1 AND m.cluster_id = $2 ORDER BY m.rid`, [kind, id]);
    }
  }
  if (!members.length) throw notFound('profile', clusterId);
  return { id, members, redirectedFrom };
}

/** Who may correct links: platform admins, and data officers of a department holding one of the records. */
function requireSteward(caller: Caller, members: Member[]): void {
  if (caller.role === 'admin') return;
  if (caller.role === 'officer' && caller.departmentId && members.some((m) => m.department_id === caller.departmentId)) return;
  throw problem('forbidden', '只有平台管理员或档案中记录所属部门的数据管理员可以调整关联 / only admins and officers of a department holding one of the records may correct links');
}

async function save(ctx: Ctx, caller: Caller, kind: EntityKind, d: { action: DecisionAction; must: Pair[]; cannot: Pair[]; clusterIds: string[]; reason: string; details?: Record<string, unknown> }): Promise<string> {
  const id = newId();
  await ctx.db.query(
    `INSERT INTO entity_decisions (id, kind, action, must_link, cannot_link, cluster_ids, reason, actor_id, actor_name, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, now())`,
    [id, kind, d.action, JSON.stringify(d.must), JSON.stringify(d.cannot), d.clusterIds, d.reason, caller.id, caller.displayName || caller.username]);
  await ctx.audit.record(caller, { action: `entity.${d.action}`, objectType: 'profile', objectId: d.clusterIds.join(','), details: { kind, decision: id, reason: d.reason, mustLink: d.must.length, cannotLink: d.cannot.length, ...d.details } });
  return id;
}

export const entityDecisions = {
  async list(q: Queryable, kind: EntityKind, clusterIds: string[]): Promise<Decision[]> {
    const rows = await q.query<{ id: string; action: DecisionAction; reason: string; actor_name: string; created_at: Date; cluster_ids: string[] }>(
      'SELECT id, action, reason, actor_name, created_at, cluster_ids FROM entity_decisions WHERE kind = $1 AND cluster_ids && $2::text[] ORDER BY created_at DESC', [kind, clusterIds]);
    return rows.map((r) => ({ id: r.id, action: r.action, reason: r.reason, actor: r.actor_name, at: iso(r.created_at)!, clusterIds: r.cluster_ids }));
  },

  /** Two profiles are one: must-links from one record to every other record of both. Returns the decision and that record. */
  async merge(ctx: Ctx, caller: Caller, kind: EntityKind, clusterIds: [string, string], reason: string): Promise<{ decisionId: string; rid: string }> {
    const why = checkReason(reason);
    if (clusterIds[0] === clusterIds[1]) throw problem('validation', 'clusterIds: 不能与自身合并 / cannot merge a profile with itself', [{ field: 'clusterIds', message: 'same profile' }]);
    const [a, b] = await Promise.all(clusterIds.map((c) => clusterMembers(ctx.db, kind, c)));
    if (a!.id === b!.id) throw problem('conflict', 'clusterIds: 两个档案已是同一档案 / the two profiles are already one');
    requireSteward(caller, [...a!.members, ...b!.members]);
    // every record of both to one of them: a later decision on the same pair overrides an earlier one, so
    // this also lifts an earlier split between the two (a must-link on just one pair would leave its other records apart)
    const [first, ...rest] = [...a!.members, ...b!.members].map((m) => m.rid);
    const decisionId = await save(ctx, caller, kind, { action: 'merge', must: rest.map((r): Pair => [first!, r]), cannot: [], clusterIds: [a!.id, b!.id], reason: why });
    return { decisionId, rid: first! };
  },

  /**
   * Records `rids` are a profile of their own: cannot-links to every record that stays, must-links among
   * them. Returns the decision and the records that stay and those split off.
   */
  async split(ctx: Ctx, caller: Caller, kind: EntityKind, clusterId: string, rids: string[], reason: string): Promise<{ decisionId: string; stay: string[]; out: string[] }> {
    const why = checkReason(reason);
    const c = await clusterMembers(ctx.db, kind, clusterId);
    requireSteward(caller, c.members);
    const inCluster = new Set(c.members.map((m) => m.rid));
    const out = [...new Set(rids)];
    const stray = out.find((r) => !inCluster.has(r));
    if (stray) throw problem('validation', `rids: 记录不在该档案中 / record not in this profile: ${stray}`, [{ field: 'rids', message: `not in profile ${c.id}` }]);
    const stay = c.members.map((m) => m.rid).filter((r) => !out.includes(r));
    if (!out.length || !stay.length) throw problem('validation', 'rids: 拆分需要留下至少一条记录，并拆出至少一条 / a split leaves at least one record and takes at least one', [{ field: 'rids', message: 'nothing to split' }]);
    const cannot: Pair[] = out.flatMap((o) => stay.map((s): Pair => [o, s]));
    const must: Pair[] = out.slice(1).map((o): Pair => [out[0]!, o]);
    const decisionId = await save(ctx, caller, kind, { action: 'split', must, cannot, clusterIds: [c.id], reason: why, details: { records: out.length } });
    return { decisionId, stay, out };
  },

  /** The clerical review's answer on one pair. */
  async review(ctx: Ctx, caller: Caller, kind: EntityKind, itemId: string, decision: 'match' | 'no_match', reason: string): Promise<string> {
    const why = checkReason(reason);
    const item = await ctx.db.one<{ rid_l: string; rid_r: string; status: string }>('SELECT rid_l, rid_r, status FROM entity_review WHERE kind = $1 AND id::text = $2', [kind, itemId]);
    if (!item) throw notFound('reviewItem', itemId);
    if (item.status !== 'pending') throw problem('conflict', `该关联已处理 / already decided (${item.status})`);
    const members = await ctx.db.query<Member>(`SELECT m.rid, m.cluster_id, d.department_id FROM entity_members m JOIN datasets d ON d.id = m.dataset_id WHERE m.kind = $1 AND m.rid = ANY($2::text[])`, [kind, [item.rid_l, item.rid_r]]);
    requireSteward(caller, members);
    const pair: Pair = [item.rid_l, item.rid_r];
    const id = await save(ctx, caller, kind, { action: decision, must: decision === 'match' ? [pair] : [], cannot: decision === 'no_match' ? [pair] : [], clusterIds: [...new Set(members.map((m) => m.cluster_id))], reason: why });
    await ctx.db.query(`UPDATE entity_review SET status = $3, decision_id = $4, reason = $5, decided_by_name = $6, decided_at = now() WHERE kind = $1 AND id::text = $2`,
      [kind, itemId, decision, id, why, caller.displayName || caller.username]);
    return id;
  },
};
