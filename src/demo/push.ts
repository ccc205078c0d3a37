/**
 * Proactive push in the demo city (推, 免申即享): four push rules over the generated data, the
 * grants their owner departments read under, one run each, and the responsible departments' second
 * check of part of the candidates — so the department lists, the outcome counts and a citizen's
 * inbox have something to show:
 *  - 高龄津贴 (民政 MZ over 公安 GA_HJRK): residents 80 and over (by the birth date in the ID number,
 *    the one 民政's grant shows in clear); 免申即享, granted on approval;
 *  - 入学通知 (教育 JY over GA_HJRK): children turning 6 by 31 August, told to their household head;
 *  - 新生儿医保登记 (医保 YB over 卫健 WJ_CSYX): births of the last 90 days, told to the mother, by SMS too;
 *  - 新办企业政策 (市场监管 SC over its own SC_QYDJ): enterprises founded in the last 90 days, told to
 *    their legal representative (enterprise notices reach the legal representative's inbox).
 * A citizen account `citizen_elder` (password: the demo password) is linked to a resident whose
 * 高龄津贴 notice was sent, so the inbox shows it. Idempotent: run again, nothing new is noticed.
 */
import { datasetByCode } from '../catalog/index.ts';
import { pushNotices } from '../apps/push/index.ts';
import { rules, type RuleInput } from '../apps/rules/index.ts';
import type { Caller, Ctx } from '../kernel/index.ts';
import type { MaskKind } from '../lake/index.ts';
import { shareRequests } from '../share/index.ts';
import { REFERENCE_DATE } from './people.ts';

const inDays = (n: number) => new Date(Date.now() + n * 86_400_000).toISOString();

interface GrantNeed { consumer: string; owner: string; dataset: string; purpose: string; fields: string[]; masks: Record<string, MaskKind>; reason: string }

const GRANTS: GrantNeed[] = [
  {
    consumer: 'JY', owner: 'GA', dataset: 'GA_HJRK', purpose: '适龄儿童入学主动告知（免申即享）', fields: ['gmsfhm', 'xm', 'csrq', 'hh', 'yhzgx'],
    masks: { gmsfhm: 'none', csrq: 'none', hh: 'none', yhzgx: 'none' }, reason: '义务教育入学主动告知：出生日期判断适龄，身份证号用于告知户主本人，户号用于找到户主',
  },
  {
    consumer: 'YB', owner: 'WJ', dataset: 'WJ_CSYX', purpose: '新生儿参保登记主动提醒', fields: ['cszbh', 'xsexm', 'xb', 'csrq', 'mqxm', 'mq_gmsfhm'],
    masks: { mq_gmsfhm: 'none', csrq: 'none' }, reason: '新生儿医保登记提醒：出生日期判断 90 日参保期，母亲身份证号用于告知母亲本人',
  },
];

export const DEMO_PUSH_RULES: RuleInput[] = [
  {
    code: 'PUSH_GLJT', name: '高龄津贴免申即享', kind: 'push', ownerDepartment: 'MZ', responsibleDepartment: 'MZ', trigger: 'arrival', asOf: REFERENCE_DATE,
    description: '户籍人口中年满 80 周岁者，经民政局复核后直接发放高龄津贴，无需申请。',
    // 民政 reads the ID number in clear and the birth date only as a year under its grant: the age comes from the ID number
    query: { mode: 'sql', sql: "SELECT gmsfhm, xm, hjdz FROM GA_HJRK WHERE strptime(substr(gmsfhm, 7, 8), '%Y%m%d')::DATE <= {{as_of}} - INTERVAL 80 YEAR" },
    key: ['gmsfhm'], subject: { field: 'gmsfhm', kind: 'person' },
    action: {
      grantWithoutApplication: true,
      notice: { title: '高龄津贴已为您办理', body: '{{xm}}您好：您已年满 80 周岁，经民政局核对，高龄津贴已为您直接办理（免申即享），无需提交申请，按月发放至社保卡。如有疑问请拨打 12345。' },
    },
  },
  {
    code: 'PUSH_RXTZ', name: '适龄儿童入学通知', kind: 'push', ownerDepartment: 'JY', responsibleDepartment: 'JY', trigger: 'arrival', asOf: REFERENCE_DATE,
    description: '当年 8 月 31 日前满 6 周岁的户籍儿童，告知其户主办理小学一年级入学登记。',
    query: {
      mode: 'builder', shape: 'semi', a: { dataset: 'GA_HJRK', age: { field: 'csrq', gte: 6, lt: 7, at: '08-31' } },
      b: { dataset: 'GA_HJRK', where: { yhzgx: { eq: '户主' } } }, on: [{ a: 'hh', b: 'hh' }],
      fields: ['gmsfhm', 'xm', 'csrq', 'b.gmsfhm', 'b.xm'],
    },
    key: ['gmsfhm'], subject: { field: 'b_gmsfhm', kind: 'person' },
    action: { notice: { title: '小学一年级入学登记提醒', body: '{{b_xm}}您好：您家的孩子 {{xm}}（{{csrq}} 出生）今年 9 月可入读小学一年级，请在 7 月 15 日前通过“入学服务平台”完成入学登记。' } },
  },
  {
    code: 'PUSH_XSEYB', name: '新生儿医保登记提醒', kind: 'push', ownerDepartment: 'YB', responsibleDepartment: 'YB', trigger: 'arrival', asOf: REFERENCE_DATE,
    description: '出生 90 日内的新生儿，提醒母亲办理城乡居民医保参保登记。',
    query: { mode: 'builder', shape: 'filter', a: { dataset: 'WJ_CSYX', recent: { field: 'csrq', days: 90 } } },
    key: ['cszbh'], subject: { field: 'mq_gmsfhm', kind: 'person' },
    action: { notice: { channel: 'sms', title: '新生儿医保参保登记提醒', body: '{{mqxm}}您好：您的孩子 {{xsexm}}（{{csrq}} 出生）可办理城乡居民医保参保登记，出生 90 日内参保可自出生之日起享受待遇，可在线或到医保服务窗口办理。' } },
  },
  {
    code: 'PUSH_XBQY', name: '新办企业政策告知', kind: 'push', ownerDepartment: 'SC', responsibleDepartment: 'SC', trigger: 'arrival', asOf: REFERENCE_DATE,
    description: '成立 90 日内的存续企业，向法定代表人告知可享受的惠企政策。',
    query: { mode: 'builder', shape: 'filter', a: { dataset: 'SC_QYDJ', where: { djzt: { eq: '存续' } }, recent: { field: 'clrq', days: 90 } }, fields: ['tyshxydm', 'qymc', 'fddbr', 'fddbr_gmsfhm', 'clrq'] },
    key: ['tyshxydm'], subject: { field: 'fddbr_gmsfhm', kind: 'person' },
    action: { notice: { title: '新办企业惠企政策告知', body: '{{fddbr}}您好：{{qymc}}（成立于 {{clrq}}）可享受小微企业“六税两费”减免、创业担保贷款贴息和首次招用补贴等政策，详见“惠企政策直达”专栏。' } },
  },
];

/** A grant the demo's rules read under (one already in force is kept). */
async function ensureGrant(ctx: Ctx, officers: Map<string, Caller>, g: GrantNeed): Promise<void> {
  const ds = await datasetByCode(ctx.db, g.dataset);
  const consumer = officers.get(g.consumer);
  if (!ds?.currentVersion || !consumer || !officers.has(g.owner)) return;
  const present = await ctx.db.one(
    `SELECT 1 FROM share_grants WHERE dataset_id = $1 AND consumer_department_id = $2 AND valid_until > now() AND fields @> $3::text[]`, [ds.id, consumer.departmentId, g.fields]);
  if (present) return;
  const req = await shareRequests.create(ctx, consumer, { dataset: g.dataset, purpose: g.purpose, fields: g.fields, validUntil: inDays(365) });
  if (req.status === 'pending') await shareRequests.approve(ctx, officers.get(g.owner)!, req.id, { reason: g.reason, masks: g.masks });
}

/** The candidates of a rule, oldest first. */
const candidates = async (ctx: Ctx, as: Caller, code: string) =>
  (await pushNotices.list(ctx, as, { rule: code, status: 'candidate', limit: 200 })).items.reverse();

/**
 * Grants, rules, runs and the second check of the demo city's push. `linkCitizen` makes the
 * `citizen_elder` account for an ID number (the loader's own account maker).
 */
export async function demoPush(ctx: Ctx, officers: Map<string, Caller>, linkCitizen: (u: { username: string; displayName: string; role: 'citizen'; departmentId: null; idNumber: string }) => Promise<unknown>): Promise<void> {
  for (const g of GRANTS) {
    try {
      await ensureGrant(ctx, officers, g);
    } catch (err) {
      ctx.log.warn({ err, dataset: g.dataset, consumer: g.consumer }, 'demo push: grant not made');
    }
  }
  for (const input of DEMO_PUSH_RULES) {
    const owner = officers.get(input.ownerDepartment);
    const checker = officers.get(input.responsibleDepartment);
    if (!owner || !checker) continue;
    try {
      const rule = await rules.get(ctx, owner, input.code).catch(() => null) ?? await rules.create(ctx, owner, input);
      await rules.run(ctx, owner, rule.code);
      const waiting = await candidates(ctx, checker, rule.code);
      // the second check: 高龄津贴 all but one (rejected with a reason), 入学 and 医保 half; 新办企业 left for the console
      if (rule.code === 'PUSH_GLJT' && waiting.length > 1) {
        await pushNotices.check(ctx, checker, { ids: [waiting[0]!.id], decision: 'reject', reason: '户籍已迁出本市，转迁入地民政部门办理' });
        await pushNotices.check(ctx, checker, { ids: waiting.slice(1).map((n) => n.id), decision: 'approve' });
      } else if (rule.code === 'PUSH_RXTZ' || rule.code === 'PUSH_XSEYB') {
        const half = waiting.slice(0, Math.ceil(waiting.length / 2));
        if (half.length) await pushNotices.check(ctx, checker, { ids: half.map((n) => n.id), decision: 'approve' });
      }
    } catch (err) {
      ctx.log.warn({ err, rule: input.code }, 'demo push: rule not run');
    }
  }
  // a citizen with a notice in the inbox: a resident whose 高龄津贴 was sent (民政 reads the ID number in clear under its grant)
  const mz = officers.get('MZ');
  const sent = mz && (await pushNotices.list(ctx, mz, { rule: 'PUSH_GLJT', status: 'sent', limit: 1 })).items[0];
  const idNumber = sent?.evidence.gmsfhm;
  if (typeof idNumber === 'string') await linkCitizen({ username: 'citizen_elder', displayName: '高龄市民', role: 'citizen', departmentId: null, idNumber });
}
