/**
 * The profile (一人一档 / 一企一档) as a reader sees it: only through the share guard. The index knows
 * which source records belong together; their values come from a guarded read of each source dataset
 * — the caller's own department's data in clear, other departments' only under an active grant,
 * masked as the grant says, every read left in the trail. Records the caller may not read are
 * counted, never shown; a profile with no readable record does not exist for that caller.
 */
import path from 'node:path';
import { datasetByCode, type Dataset } from '../catalog/index.ts';
import { type Caller, type Ctx, notFound, Problem, requireRole } from '../kernel/index.ts';
import { literal } from '../lake/index.ts';
import { readKeyed } from '../share/index.ts';
import { clusterMembers, entityDecisions, type Decision } from './decisions.ts';
import { goldenRecord, SURVIVORSHIP, type GoldenCandidate, type GoldenValue } from './golden.ts';
import { INPUT_TITLES, type EntityKind } from './kinds.ts';
import { Linker } from './link/index.ts';
import type { PairExplanation } from './link/types.ts';
import { entityDir } from './pipeline.ts';
import { EXPLAIN_INPUTS } from './models.ts';
import { entitySources, type EntitySource } from './sources.ts';

/** Roles that may look at profiles (citizens see their own data uses elsewhere). */
export const PROFILE_ROLES = ['admin', 'officer', 'analyst'] as const;
const RECORDS_PER_DATASET = 200;

interface MemberRow { rid: string; cluster_id: string; dataset_id: string; code: string; record_key: string[]; role: string; version: number }

export interface ProfileRecord {
  rid: string;
  dataset: { code: string; name: string; department: string };
  version: number;
  updatedAt: string | null;
  basis: 'owner' | 'grant';
  columns: Array<{ name: string; title: string; masked: boolean }>;
  values: Record<string, unknown>;
}

export interface Profile {
  clusterId: string;
  kind: EntityKind;
  redirectedFrom: string | null;
  golden: Array<GoldenValue & { title: string }>;
  records: ProfileRecord[];
  hidden: number;
  timeline: Array<{ at: string; dataset: { code: string; name: string }; rid: string; title: string }>;
  links: Array<{ left: string; right: string; probability: number; weight: number; manual: 'match' | 'no_match' | null }>;
  decisions: Decision[];
}

/** A refusal of the guard (no grant, field not granted …) hides the dataset; any other failure is real. */
const refused = (err: unknown) => err instanceof Problem && (err.status === 403 || err.status === 404);

interface Visible { member: MemberRow; ds: Dataset; src: EntitySource | undefined; rec: ProfileRecord }

/** Read the members' source records through the guard, dataset by dataset. */
async function readMembers(ctx: Ctx, caller: Caller, kind: EntityKind, members: MemberRow[], purpose: string): Promise<{ visible: Visible[]; hidden: number }> {
  const sources = new Map((await entitySources.list(ctx, kind)).map((s) => [s.datasetId, s]));
  const byDataset = new Map<string, MemberRow[]>();
  for (const m of members) byDataset.set(m.code, [...(byDataset.get(m.code) ?? []), m]);
  const visible: Visible[] = [];
  let hidden = 0;
  for (const [code, ms] of byDataset) {
    const ds = await datasetByCode(ctx.db, code);
    if (!ds) { hidden += ms.length; continue; }
    let read;
    try {
      read = await readKeyed(ctx, caller, ds, { rowKey: { fields: ds.primaryKey, keys: [...new Map(ms.map((m) => [JSON.stringify(m.record_key), m.record_key])).values()] }, limit: RECORDS_PER_DATASET, purpose });
    } catch (err) {
      if (!refused(err)) throw err;
      hidden += ms.length;
      continue;
    }
    const version = await ctx.lake.version(ds.id, read.version);
    const rows = new Map(read.rows.map((r) => [JSON.stringify(r.key), r.values]));
    for (const m of ms) {
      const values = rows.get(JSON.stringify(m.record_key));
      if (!values) { hidden++; continue; } // outside the grant's rows, or gone from the current version
      visible.push({
        member: m, ds, src: sources.get(ds.id),
        rec: {
          rid: m.rid, dataset: { code: ds.code, name: ds.name, department: ds.departmentName }, version: read.version, updatedAt: version?.createdAt ?? null,
          basis: read.basis, columns: read.columns.map((c) => ({ name: c.name, title: c.title, masked: c.masked })), values,
        },
      });
    }
  }
  return { visible, hidden };
}

/** The value of an input in a visible record (per its role's field mapping), with whether it is masked. */
function inputOf(v: Visible, input: string): { value: unknown; masked: boolean } | undefined {
  const field = v.src?.roles.find((r) => r.role === v.member.role)?.fields[input];
  const col = field && v.rec.columns.find((c) => c.name === field);
  return col ? { value: v.rec.values[field!] ?? null, masked: col.masked } : undefined;
}

async function membersOf(ctx: Ctx, kind: EntityKind, where: string, params: unknown[]): Promise<MemberRow[]> {
  return ctx.db.query<MemberRow>(
    `SELECT m.rid, m.cluster_id, m.dataset_id, d.code, m.record_key, m.role, m.version FROM entity_members m JOIN datasets d ON d.id = m.dataset_id
      WHERE m.kind = $1 AND ${where} ORDER BY d.code, m.rid`, [kind, ...params]);
}

async function pairsAmong(ctx: Ctx, kind: EntityKind, rids: string[]): Promise<Array<{ rid_l: string; rid_r: string; p: number; w: number }>> {
  if (rids.length < 2) return [];
  const file = path.join(entityDir(ctx, kind), 'pairs.parquet');
  const list = rids.map(literal).join(', ');
  try {
    return await ctx.lake.session('entity.pairs', (run) => run.rows(`pairs`, `SELECT rid_l, rid_r, match_probability AS p, match_weight AS w FROM ${ctx.lake.workScan(file)}
      WHERE rid_l IN (${list}) AND rid_r IN (${list}) ORDER BY match_probability DESC LIMIT 500`));
  } catch {
    return [];
  }
}

export const entityProfiles = {
  async get(ctx: Ctx, caller: Caller, kind: EntityKind, clusterId: string): Promise<Profile> {
    requireRole(caller, ...PROFILE_ROLES);
    const c = await clusterMembers(ctx.db, kind, clusterId);
    const members = await membersOf(ctx, kind, 'm.cluster_id = $2', [c.id]);
    const { visible, hidden } = await readMembers(ctx, caller, kind, members, `profile ${c.id}`);
    if (!visible.length) throw notFound('profile', clusterId);

    const candidates = new Map<string, GoldenCandidate[]>();
    for (const field of Object.keys(SURVIVORSHIP[kind])) {
      candidates.set(field, visible.flatMap((v) => {
        const x = inputOf(v, field);
        return x ? [{ rid: v.rec.rid, dataset: v.ds.code, trust: v.src?.trust ?? 0, updatedAt: v.rec.updatedAt, ...x }] : [];
      }));
    }
    const golden = goldenRecord(kind, candidates).map((g) => ({ ...g, title: INPUT_TITLES[g.field]?.zh ?? g.field }));

    const timeline = visible.flatMap((v) => v.ds.fields.filter((f) => f.type === 'date' || f.type === 'timestamp').flatMap((f) => {
      const at = v.rec.values[f.name];
      const masked = v.rec.columns.find((c) => c.name === f.name)?.masked;
      return at && !masked ? [{ at: String(at).slice(0, 10), dataset: { code: v.ds.code, name: v.ds.name }, rid: v.rec.rid, title: f.title }] : [];
    })).sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));

    const seen = visible.map((v) => v.rec.rid);
    const decisions = await entityDecisions.list(ctx.db, kind, [c.id]);
    const manual = await ctx.db.query<{ rid_l: string; rid_r: string; status: 'match' | 'no_match' }>(
      `SELECT rid_l, rid_r, status FROM entity_review WHERE kind = $1 AND status IN ('match','no_match') AND rid_l = ANY($2::text[]) AND rid_r = ANY($2::text[])`, [kind, seen]);
    const manualOf = new Map(manual.map((m) => [`${m.rid_l} ${m.rid_r}`, m.status]));
    const links = (await pairsAmong(ctx, kind, seen)).map((p) => ({ left: p.rid_l, right: p.rid_r, probability: p.p, weight: p.w, manual: manualOf.get(`${p.rid_l} ${p.rid_r}`) ?? null }));

    return { clusterId: c.id, kind, redirectedFrom: c.redirectedFrom, golden, records: visible.map((v) => v.rec), hidden, timeline, links, decisions };
  },

  /**
   * Find profiles by name, ID number or phone (enterprise: name or code): a filtered read of every
   * source dataset the caller may read that way — a field the caller sees only masked cannot be
   * searched (the guard refuses; the dataset is listed as skipped with the reason).
   */
  async search(ctx: Ctx, caller: Caller, kind: EntityKind, q: { q: string; by: string; limit: number }) {
    requireRole(caller, ...PROFILE_ROLES);
    const value = q.q.trim();
    const searched: Array<{ code: string; name: string }> = [];
    const skipped: Array<{ code: string; name: string; reason: string }> = [];
    type Found = { clusterId: string; display: Record<string, unknown>; records: number; datasets: Map<string, string> };
    const found = new Map<string, Found>();
    for (const src of (await entitySources.list(ctx, kind)).filter((s) => s.enabled)) {
      const ds = await datasetByCode(ctx.db, src.datasetCode);
      if (!ds) continue;
      for (const role of src.roles) {
        const field = role.fields[q.by];
        if (!field) continue;
        let read;
        try {
          read = await readKeyed(ctx, caller, ds, { filter: { [field]: { eq: value } }, rowKey: { fields: ds.primaryKey }, limit: q.limit, purpose: `profile search by ${q.by}` });
        } catch (err) {
          if (!refused(err)) throw err;
          skipped.push({ code: ds.code, name: ds.name, reason: (err as Problem).detail ?? (err as Error).message });
          continue;
        }
        searched.push({ code: ds.code, name: ds.name });
        // the index's records of the rows found, in one query
        const keys = JSON.stringify(read.rows.map((r) => r.key));
        const indexed = await membersOf(ctx, kind, 'm.dataset_id = $2 AND m.role = $3 AND m.record_key IN (SELECT jsonb_array_elements($4::jsonb))', [ds.id, role.role, keys]);
        const byKey = new Map(indexed.map((m) => [JSON.stringify(m.record_key), m]));
        for (const row of read.rows) {
          const values = row.values as Record<string, unknown>;
          const m = byKey.get(JSON.stringify(row.key));
          if (!m) continue;
          const entry: Found = found.get(m.cluster_id) ?? { clusterId: m.cluster_id, display: {}, records: 0, datasets: new Map() };
          entry.records++;
          entry.datasets.set(ds.code, ds.name);
          for (const [input, f] of Object.entries(role.fields)) if (f && f in values && entry.display[input] == null) entry.display[input] = values[f];
          found.set(m.cluster_id, entry);
        }
      }
    }
    const items = [...found.values()].slice(0, q.limit).map((e) => ({ clusterId: e.clusterId, display: e.display, records: e.records, datasets: [...e.datasets].map(([code, name]) => ({ code, name })) }));
    const once = <T extends { code: string }>(xs: T[]) => [...new Map(xs.map((x) => [x.code, x])).values()];
    const searchedCodes = new Set(searched.map((s) => s.code));
    return { items, searched: once(searched), skipped: once(skipped.filter((s) => !searchedCodes.has(s.code))) };
  },

  /**
   * Why two records are (not) linked: each comparison's level and match weight (the waterfall).
   * The levels and weights are the index's own; the values shown beside them are the guarded values
   * of the inputs compared, only for records the caller may read.
   */
  async explain(ctx: Ctx, caller: Caller, kind: EntityKind, left: string, right: string): Promise<PairExplanation & { hiddenValues: boolean }> {
    requireRole(caller, ...PROFILE_ROLES);
    const members = await membersOf(ctx, kind, 'm.rid = ANY($2::text[])', [[left, right]]);
    if (members.length !== 2) throw notFound('profile', members.length ? (members[0]!.rid === left ? right : left) : left);
    const { visible } = await readMembers(ctx, caller, kind, members, `explain ${left} ${right}`);
    if (!visible.length && caller.role !== 'admin') throw notFound('profile', left);
    const dir = entityDir(ctx, kind);
    const e = await ctx.lake.privateSession('entity.explain', async (run) => {
      const model = await Linker.loadModel(run, path.join(dir, 'model'));
      await run.run('features', `CREATE TEMP VIEW feat AS SELECT * FROM ${ctx.lake.workScan(path.join(dir, 'features.parquet'))}`);
      return new Linker(run, model.settings).explain(model, 'feat', left, right);
    });
    const side = (rid: string) => visible.find((v) => v.rec.rid === rid);
    const shown = (rid: string, cmp: string) => {
      const v = side(rid);
      const input = EXPLAIN_INPUTS[kind][cmp];
      return v && input ? inputOf(v, input)?.value ?? null : null;
    };
    return { ...e, fields: e.fields.map((f) => ({ ...f, left: shown(e.left, f.name), right: shown(e.right, f.name) })), hiddenValues: visible.length < 2 };
  },

  /** Counts for the overview page. */
  async overview(ctx: Ctx, caller: Caller, kind: EntityKind) {
    requireRole(caller, ...PROFILE_ROLES);
    const totals = await ctx.db.one<{ records: number; clusters: number }>('SELECT count(*)::int AS records, count(DISTINCT cluster_id)::int AS clusters FROM entity_members WHERE kind = $1', [kind]);
    const sizes = await ctx.db.query<{ size: number; count: number }>(
      `SELECT size, count(*)::int AS count FROM (SELECT least(count(*), 10)::int AS size FROM entity_members WHERE kind = $1 GROUP BY cluster_id) s GROUP BY size ORDER BY size`, [kind]);
    const multi = await ctx.db.one<{ n: number }>(`SELECT count(*)::int AS n FROM (SELECT cluster_id FROM entity_members WHERE kind = $1 GROUP BY cluster_id HAVING count(DISTINCT dataset_id) > 1) s`, [kind]);
    const bySource = await ctx.db.query<{ code: string; name: string; records: number }>(
      `SELECT d.code, d.name, count(*)::int AS records FROM entity_members m JOIN datasets d ON d.id = m.dataset_id WHERE m.kind = $1 GROUP BY d.code, d.name ORDER BY records DESC`, [kind]);
    const pending = await ctx.db.one<{ n: number }>(`SELECT count(*)::int AS n FROM entity_review WHERE kind = $1 AND status = 'pending'`, [kind]);
    return {
      records: totals?.records ?? 0, clusters: totals?.clusters ?? 0, multiSource: multi?.n ?? 0, pendingReview: pending?.n ?? 0,
      bySource: bySource.map((b) => ({ dataset: { code: b.code, name: b.name }, records: b.records })), sizeHistogram: sizes,
    };
  },
};
