/**
 * Taking a report in (受理): from the hotline operator, the citizen's web/phone page, a grid worker's
 * patrol, a bulk import or an Open311 client — into one case, placed on the grid, classified, routed
 * and checked for duplicates.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Queryable } from '../../control/index.ts';
import { geo } from '../../geo/index.ts';
import { raiseNotice } from '../../identity/index.ts';
import { type Caller, type Ctx, fieldProblem, isAdmin, newId, problem, shanghaiDay } from '../../kernel/index.ts';
import { pseudonym } from '../../lake/index.ts';
import { caseCategories } from './categories.ts';
import { caseClassifier } from './classifier.ts';
import { DUPLICATE_DAYS, DUPLICATE_METRES, DUPLICATE_SIMILARITY, bigrams, degreesAround, jaccard, near } from './similar.ts';
import { addCaseEvent, centreOf, type Channel, CHANNELS, type Suggestion, type Urgency } from './store.ts';

export interface ReportInput {
  channel: Channel;
  title?: string;
  text: string;
  /** A category the reporter or operator chose (a service code for Open311). */
  category?: string;
  urgency?: Urgency;
  address?: string;
  lng?: number;
  lat?: number;
  reporterName?: string;
  reporterPhone?: string;
  /** The reporter agrees that the handling department sees their name and phone. */
  consent?: boolean;
  /** When it happened (imports): default now. */
  reportedAt?: string;
  externalId?: string;
  attributes?: Record<string, unknown>;
  mediaUrl?: string;
}

export interface Duplicate { id: string; code: string; title: string; status: string; similarity: number; metres: number | null; reportedAt: string; samePhone: boolean }

export const TEXT_MAX = 5000;
const PHONE = /^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8}|\d{7,8})$/;

/** Who may report on which channel. */
function mayReport(caller: Caller | null, channel: Channel, centres: string[]): boolean {
  const centre = !!caller && (isAdmin(caller) || (!!caller.departmentId && centres.includes(caller.departmentId) && (caller.role === 'officer' || caller.role === 'handler')));
  switch (channel) {
    case 'hotline': case 'import': return centre;
    case 'grid': return !!caller?.id && (caller.role === 'handler' || caller.role === 'officer');
    case 'open311': return !!caller?.tokenId;
    case 'web': return true;
  }
}

/** The check that lets whoever reported a case without an account attach its photos for an hour. */
export function uploadKey(ctx: Ctx, caseId: string, at: number = Date.now()): string {
  const hour = Math.floor(at / 3_600_000);
  return `${hour}.${createHmac('sha256', ctx.config.secretKey ?? '').update(`case-photo:${caseId}:${hour}`).digest('base64url').slice(0, 32)}`;
}
export function checkUploadKey(ctx: Ctx, caseId: string, key: string, now = Date.now()): boolean {
  const hour = Number(key.split('.')[0]);
  if (!Number.isInteger(hour) || now / 3_600_000 - hour > 1) return false;
  const want = Buffer.from(uploadKey(ctx, caseId, hour * 3_600_000));
  const got = Buffer.from(key);
  return want.length === got.length && timingSafeEqual(want, got);
}

export const phoneKey = (ctx: Ctx, phone: string) => (phone ? pseudonym(phone.replace(/-/g, ''), ctx.config.secretKey ?? '') : null);

/** The next case number of the day: AJ-YYYYMMDD-NNNNN (Asia/Shanghai day). */
async function nextCode(q: Queryable, now: Date): Promise<string> {
  const prefix = `AJ-${shanghaiDay(now).replace(/-/g, '')}-`;
  const last = await q.one<{ code: string }>(`SELECT code FROM cases WHERE code LIKE $1 ORDER BY code DESC LIMIT 1`, [`${prefix}%`]);
  return `${prefix}${String(last ? Number(last.code.slice(prefix.length)) + 1 : 1).padStart(5, '0')}`;
}

/** Check and tidy a report; every fault names its field. */
export function checkReport(input: ReportInput): ReportInput & { title: string; text: string } {
  if (!CHANNELS.includes(input.channel)) throw fieldProblem('channel', `须为 / one of ${CHANNELS.join(', ')}`);
  const text = (input.text ?? '').trim();
  if (text.length < 5 || text.length > TEXT_MAX) throw fieldProblem('text', `诉求内容须为 5–${TEXT_MAX} 个字 / 5–${TEXT_MAX} characters`);
  const title = (input.title?.trim() || [...text].slice(0, 30).join('')).slice(0, 100);
  if (input.urgency && input.urgency !== 'normal' && input.urgency !== 'urgent') throw fieldProblem('urgency', 'normal | urgent');
  const hasLng = input.lng !== undefined && input.lng !== null;
  const hasLat = input.lat !== undefined && input.lat !== null;
  if (hasLng !== hasLat) throw fieldProblem(hasLng ? 'lat' : 'lng', '经纬度须同时给出 / give both longitude and latitude');
  if (hasLng && !(Number.isFinite(input.lng) && input.lng! >= -180 && input.lng! <= 180)) throw fieldProblem('lng', '经度须在 -180 到 180 之间 / longitude in [-180, 180]');
  if (hasLat && !(Number.isFinite(input.lat) && input.lat! >= -90 && input.lat! <= 90)) throw fieldProblem('lat', '纬度须在 -90 到 90 之间 / latitude in [-90, 90]');
  if ((input.address ?? '').length > 300) throw fieldProblem('address', '地址最长 300 字 / 300 characters at most');
  if ((input.reporterName ?? '').length > 50) throw fieldProblem('reporterName', '姓名最长 50 字 / 50 characters at most');
  const phone = (input.reporterPhone ?? '').trim();
  if (phone && !PHONE.test(phone)) throw fieldProblem('reporterPhone', '电话号码格式不正确 / not a phone number');
  if (input.reportedAt !== undefined && Number.isNaN(Date.parse(input.reportedAt))) throw fieldProblem('reportedAt', '时间格式不正确 / not a date-time');
  if (input.reportedAt && Date.parse(input.reportedAt) > Date.now() + 300_000) throw fieldProblem('reportedAt', '时间不能晚于现在 / in the future');
  if (input.mediaUrl !== undefined && !/^https?:\/\/\S{1,2000}$/i.test(input.mediaUrl)) throw fieldProblem('media_url', '须为 http(s) 链接 / an http(s) URL');
  return { ...input, title, text, reporterPhone: phone };
}

export const intake = {
  /**
   * Take a report in. Returns the new case's id and the reports it may duplicate (the operator is
   * warned; the dispatcher merges). `caller` is null for an anonymous web report.
   */
  async report(ctx: Ctx, caller: Caller | null, raw: ReportInput, q?: { skipDuplicates?: boolean }): Promise<{ id: string; code: string; duplicates: Duplicate[] }> {
    const centres = await centreOf(ctx.db);
    if (!mayReport(caller, raw.channel, centres)) {
      throw problem(caller ? 'forbidden' : 'unauthorized', `不能通过此渠道受理 / you may not report on channel ${raw.channel}`);
    }
    const input = checkReport(raw);
    if (raw.channel === 'web' && !caller?.id && !input.reporterPhone) throw fieldProblem('reporterPhone', '匿名反映须留电话，以便答复和查询 / an anonymous report needs a phone number for the answer and follow-up');
    await caseCategories.ensure(ctx);
    let category: string | null = null;
    if (input.category) {
      const c = await ctx.db.one<{ code: string }>(`SELECT code FROM case_categories WHERE code = $1 AND active`, [input.category]);
      if (!c) throw fieldProblem(raw.channel === 'open311' ? 'service_code' : 'category', `没有这个类别 / no such category: ${input.category}`);
      category = c.code;
    }
    const place = input.lng !== undefined && input.lat !== undefined ? await geo.locate(ctx, input.lng, input.lat) : null;
    const gridCode = place?.grid?.code ?? null;
    const districtCode = place?.district?.code ?? null;
    const suggestion = await suggest(ctx, input.title, input.text, category, gridCode ?? districtCode);
    const now = new Date();
    const id = newId();
    const reporterUser = caller?.id && caller.role === 'citizen' ? caller.id : null;
    const receivedBy = caller?.id && caller.role !== 'citizen' ? caller.id : null;
    let code = '';
    for (let attempt = 0; ; attempt++) {
      try {
        await ctx.db.transaction(async (tx) => {
          code = await nextCode(tx, now);
          await tx.query(
            `INSERT INTO cases (id, code, channel, status, urgency, title, text, category_code, suggested_category, suggestion, suggested_department_id,
               address, lng, lat, grid_code, district_code, reporter_name, reporter_phone, phone_key, consent, reporter_user_id,
               client_token_id, external_id, attributes, media_url, reported_at, received_by, created_at, updated_at)
             VALUES ($1,$2,$3,'pending',$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18,$19,$20,$21,$22,$23,$24,$25,$26,$27,$27)`,
            [id, code, input.channel, input.urgency ?? 'normal', input.title, input.text, category, suggestion.category, JSON.stringify(suggestion), suggestion.department,
              input.address ?? '', input.lng ?? null, input.lat ?? null, gridCode, districtCode, input.reporterName?.trim() ?? '', input.reporterPhone ?? '', phoneKey(ctx, input.reporterPhone ?? ''),
              !!input.consent, reporterUser, raw.channel === 'open311' ? caller?.tokenId ?? null : null, input.externalId ?? null,
              input.attributes ? JSON.stringify(input.attributes) : null, input.mediaUrl ?? null, input.reportedAt ? new Date(input.reportedAt).toISOString() : now.toISOString(), receivedBy, now.toISOString()],
          );
          await addCaseEvent(tx, { id: newId(), caseId: id, actor: caller ?? '市民', action: 'report', from: null, to: 'pending', note: `渠道 / channel: ${input.channel}`, public: true });
          await ctx.audit.append(tx, caller ?? { id: null, username: 'anonymous', displayName: '市民', role: 'citizen', departmentId: null }, {
            action: 'case.report', objectType: 'case', objectId: id, details: { code, channel: input.channel, category, suggested: suggestion.category, grid: gridCode },
          });
          for (const d of centres) await raiseNotice(tx, { kind: 'case.new', title: `新案件待分拨：${input.title}`, body: code, objectType: 'case', objectId: id, departmentId: d, admins: false });
        });
        break;
      } catch (err) {
        if (attempt < 3 && (err as { code?: string }).code === '23505') {
          if (input.externalId && (await ctx.db.one(`SELECT 1 FROM cases WHERE client_token_id = $1 AND external_id = $2`, [caller?.tokenId ?? null, input.externalId]))) {
            throw fieldProblem('external_id', '此编号的报告已提交 / a request with this id was already submitted');
          }
          continue;
        }
        throw err;
      }
    }
    const duplicates = q?.skipDuplicates ? [] : await intake.duplicates(ctx, id);
    return { id, code, duplicates };
  },

  /** Open reports that may say the same as case `id`: similar text, near, within DUPLICATE_DAYS; and earlier calls from the same phone. */
  async duplicates(ctx: Ctx, id: string): Promise<Duplicate[]> {
    const c = await ctx.db.one<{ id: string; title: string; text: string; lng: number | null; lat: number | null; grid_code: string | null; address: string; reported_at: Date; phone_key: string | null }>(
      `SELECT id, title, text, lng, lat, grid_code, address, reported_at, phone_key FROM cases WHERE id = $1`, [id],
    );
    if (!c) return [];
    const at = new Date(c.reported_at).getTime();
    const window = [new Date(at - DUPLICATE_DAYS * 86_400_000).toISOString(), new Date(at + DUPLICATE_DAYS * 86_400_000).toISOString()];
    const box = c.lat !== null ? degreesAround(c.lat, DUPLICATE_METRES) : null;
    const rows = await ctx.db.query<{ id: string; code: string; title: string; text: string; status: string; lng: number | null; lat: number | null; grid_code: string | null; address: string; reported_at: Date; phone_key: string | null }>(
      `SELECT id, code, title, text, status, lng, lat, grid_code, address, reported_at, phone_key FROM cases
        WHERE id <> $1 AND status NOT IN ('merged','invalid') AND reported_at BETWEEN $2 AND $3
          AND ((phone_key IS NOT NULL AND phone_key = $4)
            OR ($5::double precision IS NOT NULL AND lat BETWEEN $5::double precision - $6::double precision AND $5::double precision + $6::double precision
                AND lng BETWEEN $7::double precision - $8::double precision AND $7::double precision + $8::double precision)
            OR ($9::text IS NOT NULL AND grid_code = $9) OR (address <> '' AND address = $10))
        ORDER BY reported_at DESC LIMIT 500`,
      [id, ...window, c.phone_key, c.lat, box?.dLat ?? 0, c.lng, box?.dLng ?? 0, c.grid_code, c.address],
    );
    const mine = bigrams(`${c.title}${c.text}`);
    const out: Duplicate[] = [];
    for (const r of rows) {
      const similarity = jaccard(mine, bigrams(`${r.title}${r.text}`));
      const where = near({ lng: c.lng, lat: c.lat, grid: c.grid_code, address: c.address }, { lng: r.lng, lat: r.lat, grid: r.grid_code, address: r.address });
      const samePhone = !!c.phone_key && c.phone_key === r.phone_key;
      if ((similarity >= DUPLICATE_SIMILARITY && where.near) || (samePhone && similarity >= DUPLICATE_SIMILARITY / 2)) {
        out.push({ id: r.id, code: r.code, title: r.title, status: r.status, similarity: Math.round(similarity * 1000) / 1000, metres: where.metres, reportedAt: new Date(r.reported_at).toISOString(), samePhone });
      }
    }
    return out.sort((a, b) => b.similarity - a.similarity).slice(0, 10);
  },
};

/** The classifier's proposal (unless a category was given) and the department routing proposes for it. */
export async function suggest(ctx: Ctx, title: string, text: string, given: string | null, area: string | null): Promise<Suggestion> {
  let category = given;
  let confidence = given ? 1 : 0;
  let candidates: Suggestion['candidates'] = [];
  if (!given) {
    const model = await caseClassifier.get(ctx);
    if (model) {
      const p = model.predict({ title, text });
      ({ category, confidence, candidates } = p);
    }
  }
  const route = await caseCategories.route(ctx, category, area);
  return { category, confidence, candidates, department: route.departmentId, routedBy: route.routedBy };
}
