/**
 * Reading cases: the lists of the centre, the departments, grid workers and citizens; a case with
 * its timeline, photos, duplicates, extensions and the knowledge base's answers for its category;
 * the public follow-up by number and phone; a caller's history by phone number; photos; check-ins.
 */
import fs from 'node:fs';
import path from 'node:path';
import { calendar } from '../../calendar/index.ts';
import { Filter, type Queryable } from '../../control/index.ts';
import { geo } from '../../geo/index.ts';
import { type Caller, type Ctx, fieldProblem, isAdmin, iso, newId, notFound, problem } from '../../kernel/index.ts';
import { nameFor, safeFileName, sniff, extensionOf, SNIFF_BYTES } from '../workorders/index.ts';
import { intake, phoneKey, checkUploadKey, type Duplicate } from './intake.ts';
import { CASE_SELECT, type CaseEvent, caseEvents, type CaseItem, type CaseRow, type CaseStatus, centreOf, type Channel, reporterOf, type Standing, toItem, visibleCase } from './store.ts';

export const CASE_PAGE_MAX = 200;
/** Lists count their total up to this many rows (a list of a million cases says "10,000+"). */
export const COUNT_CAP = 10_000;
export const PHOTO_MAX_BYTES = 10 * 1024 * 1024;
const PHOTO_TYPES = ['image/png', 'image/jpeg', 'image/gif', 'image/webp'];

export interface CaseListQuery {
  status?: CaseStatus; channel?: Channel; category?: string; department?: string; district?: string; grid?: string;
  overdue?: boolean; supervised?: boolean; q?: string; from?: string; to?: string;
  /** centre: everything; department: given to the caller's department; mine: reported or received by the caller. */
  scope?: 'all' | 'department' | 'mine';
  limit?: number; offset?: number;
}

export interface CaseDetail extends CaseItem {
  text: string;
  reporter: { name: string; phone: string; consent: boolean; masked: boolean };
  suggestion: CaseRow['suggestion'];
  answer: string | null; answeredAt: string | null; answeredBy: string | null;
  resolved: boolean | null; ratingComment: string | null; ratedAt: string | null; closedAt: string | null; acceptedAt: string | null; dispatchedAt: string | null;
  returns: number; reopens: number; attributes: Record<string, unknown> | null; mediaUrl: string | null;
  events: CaseEvent[]; photos: { id: string; name: string; size: number; type: string; at: string }[];
  extensions: { id: string; days: number; reason: string; status: string; requestedBy: string; requestedAt: string; decidedBy: string | null; decidedAt: string | null; note: string | null }[];
  merged: { id: string; code: string; title: string }[];
  /** What the caller may do now. */
  actions: string[];
  standing: Standing;
}

/** The actions open to the caller on a case in its state. */
function actionsOf(r: CaseRow, s: Standing, caller: Caller): string[] {
  const a: string[] = [];
  const dispatcher = s.centre && (caller.role === 'officer' || isAdmin(caller));
  if (dispatcher && ['pending', 'returned'].includes(r.status)) a.push('dispatch', 'invalidate');
  if (dispatcher && r.status === 'pending') a.push('merge');
  if (s.handling && r.status === 'dispatched') a.push('accept');
  if (s.handling && ['dispatched', 'handling'].includes(r.status)) a.push('return', 'extend');
  if (s.handling && r.status === 'handling') a.push('answer');
  if ((s.centre || s.reporter) && (r.status === 'answered' || (r.status === 'merged' && r.answered_at && !r.rated_at))) a.push('rate');
  if (s.centre && r.status === 'answered') a.push('close');
  if ((s.centre || s.handling) && !['merged', 'invalid'].includes(r.status)) a.push('recategorize');
  return a;
}

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

export const cases = {
  async list(ctx: Ctx, caller: Caller, q: CaseListQuery) {
    const centres = await centreOf(ctx.db);
    const centre = isAdmin(caller) || (!!caller.departmentId && centres.includes(caller.departmentId) && (caller.role === 'officer' || caller.role === 'handler'));
    const f = new Filter();
    const scope = q.scope ?? (centre ? 'all' : caller.departmentId && caller.role !== 'citizen' ? 'department' : 'mine');
    if (scope === 'all' && !centre) throw problem('forbidden', '只有受理中心可以查看全部案件 / only the centre lists every case');
    if (scope === 'department') f.eq('c.department_id', caller.departmentId ?? '00000000-0000-0000-0000-000000000000');
    if (scope === 'mine') {
      const me = f.param(caller.id ?? '00000000-0000-0000-0000-000000000000');
      f.add(caller.tokenId && !caller.id ? `c.client_token_id = ${f.param(caller.tokenId)}` : `(c.reporter_user_id = ${me} OR c.received_by = ${me})`);
    }
    f.eq('c.status', q.status).eq('c.channel', q.channel).eq('c.category_code', q.category).eq('c.department_id', q.department).eq('c.district_code', q.district).eq('c.grid_code', q.grid);
    if (q.overdue) f.add(`c.status IN ('dispatched','handling') AND c.due_at < now()`);
    if (q.supervised !== undefined) f.add(`${q.supervised ? '' : 'NOT '}COALESCE(w.supervised, false)`);
    if (q.from) f.add(`c.reported_at >= ${f.param(new Date(q.from).toISOString())}`);
    if (q.to) f.add(`c.reported_at < ${f.param(new Date(q.to).toISOString())}`);
    if (q.q?.trim()) {
      const like = f.param(`%${escapeLike(q.q.trim())}%`);
      f.add(`(c.code ILIKE ${like} OR c.title ILIKE ${like} OR c.address ILIKE ${like})`);
    }
    const limit = Math.min(Math.max(q.limit ?? 50, 1), CASE_PAGE_MAX);
    const offset = q.offset ?? 0;
    const n = f.params.length;
    const [rows, count] = await Promise.all([
      ctx.db.query<CaseRow>(`${CASE_SELECT} ${f.where} ORDER BY c.created_at DESC, c.id DESC LIMIT $${n + 1} OFFSET $${n + 2}`, [...f.params, limit, offset]),
      ctx.db.one<{ n: number }>(`SELECT count(*)::int AS n FROM (SELECT 1 FROM cases c LEFT JOIN workorders w ON w.id = c.workorder_id ${f.where} LIMIT ${COUNT_CAP + 1}) t`, f.params),
    ]);
    const total = Number(count?.n ?? 0);
    return { items: rows.map(toItem(await calendar.load(ctx))), total: Math.min(total, COUNT_CAP), more: total > COUNT_CAP, limit, offset };
  },

  async get(ctx: Ctx, caller: Caller, id: string): Promise<CaseDetail> {
    const { r, s } = await visibleCase(ctx.db, caller, id);
    const [events, photos, extensions, merged] = await Promise.all([
      caseEvents(ctx.db, id, !(s.centre || s.handling)),
      ctx.db.query<{ id: string; name: string; size: string; type: string; created_at: Date }>(`SELECT id, name, size, type, created_at FROM case_photos WHERE case_id = $1 ORDER BY created_at`, [id]),
      ctx.db.query<{ id: string; days: number; reason: string; status: string; requested_by: string; requested_at: Date; decided_by: string | null; decided_at: Date | null; decision_note: string | null }>(
        `SELECT * FROM case_extensions WHERE case_id = $1 ORDER BY requested_at`, [id]),
      ctx.db.query<{ id: string; code: string; title: string }>(`SELECT id, code, title FROM cases WHERE merged_into = $1 ORDER BY created_at`, [id]),
    ]);
    await ctx.audit.record(caller, { action: 'case.view', objectType: 'case', objectId: id, departmentId: r.department_id, details: { code: r.code, reporterInClear: !reporterOf(r, s).masked } });
    return {
      ...toItem(await calendar.load(ctx))(r), text: r.text, reporter: reporterOf(r, s), suggestion: s.centre || s.handling ? r.suggestion : null,
      answer: r.answer, answeredAt: iso(r.answered_at), answeredBy: r.answered_by, resolved: r.resolved, ratingComment: r.rating_comment, ratedAt: iso(r.rated_at),
      closedAt: iso(r.closed_at), acceptedAt: iso(r.accepted_at), dispatchedAt: iso(r.dispatched_at), returns: r.returns, reopens: r.reopens,
      attributes: r.attributes, mediaUrl: r.media_url, events,
      photos: photos.map((p) => ({ id: p.id, name: p.name, size: Number(p.size), type: p.type, at: iso(p.created_at)! })),
      extensions: extensions.map((e) => ({ id: e.id, days: e.days, reason: e.reason, status: e.status, requestedBy: e.requested_by, requestedAt: iso(e.requested_at)!, decidedBy: e.decided_by, decidedAt: iso(e.decided_at), note: e.decision_note })),
      merged, actions: actionsOf(r, s, caller), standing: s,
    };
  },

  /** Reports that may duplicate this case (the centre's merge proposal). */
  async duplicates(ctx: Ctx, caller: Caller, id: string): Promise<Duplicate[]> {
    const { s } = await visibleCase(ctx.db, caller, id);
    if (!s.centre) throw problem('forbidden', '只有受理中心可以查看疑似重复 / only the centre sees possible duplicates');
    return intake.duplicates(ctx, id);
  },

  /** A caller's earlier reports by phone number (the hotline operator's caller history), for the centre. */
  async history(ctx: Ctx, caller: Caller, phone: string) {
    const centres = await centreOf(ctx.db);
    if (!(isAdmin(caller) || (!!caller.departmentId && centres.includes(caller.departmentId)))) throw problem('forbidden', '只有受理中心可以查看来电历史 / only the centre sees caller history');
    const key = phoneKey(ctx, phone.trim());
    if (!key) throw fieldProblem('phone', '请给出电话号码 / give the phone number');
    const rows = await ctx.db.query<CaseRow>(`${CASE_SELECT} WHERE c.phone_key = $1 ORDER BY c.created_at DESC LIMIT 50`, [key]);
    await ctx.audit.record(caller, { action: 'case.history', objectType: 'case', objectId: key, details: { found: rows.length } });
    return { phone: phone.trim(), name: rows.find((r) => r.reporter_name)?.reporter_name ?? '', count: rows.length, items: rows.map(toItem(await calendar.load(ctx))) };
  },

  /**
   * The public follow-up (查询): the case with its number and the reporter's phone — status, category,
   * department, public timeline, answer; no names, no phone, no text of other people.
   */
  async track(ctx: Ctx, code: string, phone: string) {
    const r = await ctx.db.one<CaseRow>(`${CASE_SELECT} WHERE c.code = $1`, [code.trim()]);
    const key = phoneKey(ctx, phone.trim());
    if (!r || !key || r.phone_key !== key) throw notFound('case', code);
    const main = r.merged_into ? await ctx.db.one<{ status: CaseStatus }>(`SELECT status FROM cases WHERE id = $1`, [r.merged_into]) : undefined;
    return {
      id: r.id, code: r.code, title: r.title, text: r.text, status: r.status, mainStatus: main?.status ?? null, reportedAt: iso(r.reported_at)!,
      category: r.category_name, department: r.dept_name, dueAt: iso(r.due_at), answer: r.answer, answeredAt: iso(r.answered_at),
      satisfaction: r.satisfaction, events: await caseEvents(ctx.db, r.id, true), canRate: (r.status === 'answered' || (r.status === 'merged' && !!r.answered_at)) && !r.rated_at,
    };
  },

  /** Standing of an anonymous reporter who proved the case with its number and phone. */
  async trackStanding(ctx: Ctx, code: string, phone: string): Promise<{ id: string; s: Standing }> {
    const t = await cases.track(ctx, code, phone);
    return { id: t.id, s: { centre: false, handling: false, reporter: true } };
  },

  /** Keep a photo of a case: images only, content-checked; by whoever sees the case or holds its upload key. */
  async addPhoto(ctx: Ctx, caller: Caller | null, id: string, upload: { filename: string; data: Buffer }, key?: string) {
    if (caller) {
      const { r } = await visibleCase(ctx.db, caller, id);
      if (['closed', 'merged', 'invalid'].includes(r.status)) throw problem('conflict', '案件已结束 / the case is finished');
    } else if (!key || !checkUploadKey(ctx, id, key)) {
      throw problem('unauthorized', '上传凭据无效或已过期 / the upload key is not valid or has expired');
    }
    if (upload.data.length > PHOTO_MAX_BYTES) throw problem('payload-too-large', `照片超过 ${PHOTO_MAX_BYTES} 字节上限 / over the ${PHOTO_MAX_BYTES}-byte limit`);
    if (!upload.data.length) throw fieldProblem('file', '文件为空 / the file is empty');
    const safe = safeFileName(upload.filename);
    const kind = sniff(upload.data.subarray(0, SNIFF_BYTES), extensionOf(safe));
    if (!kind || !PHOTO_TYPES.includes(kind.type)) throw problem('unsupported-media-type', '照片须为 PNG、JPEG、GIF 或 WEBP / photos must be PNG, JPEG, GIF or WEBP');
    const name = nameFor(safe, kind);
    if (!name) throw problem('unsupported-media-type', `文件扩展名与内容不符 / the file's extension does not match its content (${kind.type})`);
    const count = await ctx.db.one<{ n: number }>(`SELECT count(*)::int AS n FROM case_photos WHERE case_id = $1`, [id]);
    if (Number(count?.n ?? 0) >= 9) throw problem('conflict', '每个案件最多 9 张照片 / 9 photos per case at most');
    const pid = newId();
    const dir = path.join(ctx.config.dataDir, 'cases', id);
    fs.mkdirSync(dir, { recursive: true });
    const file = path.join(dir, pid);
    fs.writeFileSync(file, upload.data, { flag: 'wx' });
    try {
      await ctx.db.transaction(async (tx) => {
        await tx.query(`INSERT INTO case_photos (id, case_id, name, size, type, created_at) VALUES ($1,$2,$3,$4,$5, now())`, [pid, id, name, upload.data.length, kind.type]);
        await ctx.audit.append(tx, caller ?? { id: null, username: 'anonymous', displayName: '市民', role: 'citizen', departmentId: null }, { action: 'case.photo', objectType: 'case', objectId: id, details: { photo: pid, size: upload.data.length, type: kind.type } });
      });
    } catch (err) {
      fs.rmSync(file, { force: true });
      throw err;
    }
    return { id: pid, name, size: upload.data.length, type: kind.type };
  },

  async photo(ctx: Ctx, caller: Caller, id: string, photoId: string) {
    await visibleCase(ctx.db, caller, id);
    const p = await ctx.db.one<{ name: string; type: string; size: string }>(`SELECT name, type, size FROM case_photos WHERE id = $1 AND case_id = $2`, [photoId, id]);
    const file = path.join(ctx.config.dataDir, 'cases', id, photoId);
    if (!p || !fs.existsSync(file)) throw notFound('casePhoto', photoId);
    return { name: p.name, type: p.type, size: Number(p.size), file };
  },

  /** A grid worker's check-in on patrol (巡查签到), placed on the grid. */
  async checkIn(ctx: Ctx, caller: Caller, input: { lng: number; lat: number }) {
    if (!caller.id || !(caller.role === 'handler' || caller.role === 'officer')) throw problem('forbidden', '只有网格员可以签到 / only grid workers check in');
    if (!(Number.isFinite(input.lng) && Math.abs(input.lng) <= 180)) throw fieldProblem('lng', '经度无效 / not a longitude');
    if (!(Number.isFinite(input.lat) && Math.abs(input.lat) <= 90)) throw fieldProblem('lat', '纬度无效 / not a latitude');
    const place = await geo.locate(ctx, input.lng, input.lat);
    const id = newId();
    await ctx.db.query(`INSERT INTO case_checkins (id, user_id, grid_code, lng, lat, at) VALUES ($1,$2,$3,$4,$5, now())`, [id, caller.id, place.grid?.code ?? null, input.lng, input.lat]);
    return { id, grid: place.grid, at: new Date().toISOString() };
  },

  async checkIns(ctx: Ctx, caller: Caller, limit = 50) {
    const rows = await ctx.db.query<{ id: string; grid_code: string | null; lng: number; lat: number; at: Date }>(`SELECT id, grid_code, lng, lat, at FROM case_checkins WHERE user_id = $1 ORDER BY at DESC LIMIT $2`, [caller.id, limit]);
    return rows.map((r) => ({ id: r.id, grid: r.grid_code, lng: r.lng, lat: r.lat, at: iso(r.at)! }));
  },
};

/** The knowledge base (知识库): answers per category, written by the centre and the departments. */
export const caseKnowledge = {
  async list(ctx: Ctx, q: { category?: string; q?: string; limit?: number }) {
    const f = new Filter();
    f.eq('k.category_code', q.category);
    if (q.q?.trim()) {
      const like = f.param(`%${escapeLike(q.q.trim())}%`);
      f.add(`(k.question ILIKE ${like} OR k.answer ILIKE ${like})`);
    }
    const rows = await ctx.db.query<{ id: string; category_code: string | null; question: string; answer: string; used: number; created_by: string; updated_at: Date }>(
      `SELECT k.* FROM case_knowledge k ${f.where} ORDER BY k.used DESC, k.updated_at DESC LIMIT ${Math.min(q.limit ?? 20, 100)}`, f.params);
    return rows.map((r) => ({ id: r.id, category: r.category_code, question: r.question, answer: r.answer, used: r.used, createdBy: r.created_by, updatedAt: iso(r.updated_at)! }));
  },
  async add(ctx: Ctx, caller: Caller, input: { category?: string | null; question: string; answer: string }) {
    if (!(isAdmin(caller) || caller.role === 'officer' || caller.role === 'handler')) throw problem('forbidden', '只有工作人员可以编写知识库 / only staff write the knowledge base');
    if (!input.question?.trim() || input.question.length > 500) throw fieldProblem('question', '问题须为 1–500 字 / 1–500 characters');
    if (!input.answer?.trim() || input.answer.length > 5000) throw fieldProblem('answer', '答复须为 1–5000 字 / 1–5000 characters');
    if (input.category && !(await ctx.db.one(`SELECT 1 FROM case_categories WHERE code = $1`, [input.category]))) throw fieldProblem('category', '没有这个类别 / no such category');
    const id = newId();
    await ctx.db.transaction(async (tx: Queryable) => {
      await tx.query(`INSERT INTO case_knowledge (id, category_code, question, answer, department_id, created_by, created_at, updated_at) VALUES ($1,$2,$3,$4,$5,$6, now(), now())`,
        [id, input.category ?? null, input.question.trim(), input.answer.trim(), caller.departmentId, caller.displayName || caller.username]);
      await ctx.audit.append(tx, caller, { action: 'case.knowledge', objectType: 'case_knowledge', objectId: id, details: { category: input.category ?? null } });
    });
    return id;
  },
  async use(ctx: Ctx, id: string) {
    await ctx.db.query(`UPDATE case_knowledge SET used = used + 1 WHERE id = $1`, [id]);
  },
};
