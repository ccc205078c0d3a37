/**
 * The demo city's collision rules (碰): five cross-checks over its departments' data, each finding
 * exactly the cases the generator planted (truth/planted.json), and the grants their owner
 * departments read under.
 */
import { datasetByCode } from '../catalog/index.ts';
import { type Caller, type Ctx } from '../kernel/index.ts';
import { rules, type RuleAction, type RuleInput } from '../apps/rules/index.ts';
// the collide outcome (findings, work orders) registers itself with the engine when loaded
import '../apps/collide/index.ts';
import { activeGrant, shareRequests } from '../share/index.ts';
import { DEMO_AS_OF, type DemoRuleCode } from './collide.ts';

/** Every morning at two, city time. */
const DAILY = '0 2 * * *';

type DemoRule = RuleInput & { code: DemoRuleCode };

/** A demo collision rule of `owner` (who reads) for `responsible` (who acts): run daily, unless it fires on arrival; a work order per finding. */
const collide = (owner: string, responsible: string, r: Pick<DemoRule, 'code' | 'name' | 'description' | 'query' | 'key'> & { arrival?: true; action?: RuleAction }): DemoRule => {
  const { arrival, action, ...rest } = r;
  return {
    ...rest, kind: 'collide', ownerDepartment: owner, responsibleDepartment: responsible, asOf: DEMO_AS_OF,
    ...(arrival ? { trigger: 'arrival' as const } : { trigger: 'schedule' as const, schedule: DAILY }),
    action: { workOrder: true, ...action },
  };
};

export const DEMO_RULES: DemoRule[] = [
  collide('GA', 'GA', {
    code: 'COLLIDE_RENTAL_UNDECLARED',
    name: '出租房屋未登记备案',
    description: '出警民警现场核实为出租房屋、但该地址没有房屋租赁登记备案的：由公安派出所核查并督促出租人办理备案。新警情到达即比对。',
    query: {
      mode: 'builder', shape: 'anti',
      a: { dataset: 'GA_JQXX', where: { sfczfw: { eq: '是' } } },
      b: { dataset: 'ZJ_FWZL' },
      on: [{ a: 'fsdz', b: 'fwzl' }],
      fields: ['fsdz', 'jqbh', 'jqlb', 'bjsj', 'cjdw'],
    },
    key: ['fsdz'],
    arrival: true,
    action: { workingDays: 10 },
  }),
  collide('RS', 'RS', {
    code: 'COLLIDE_DECEASED_PENSION',
    name: '死亡人员仍领取养老金',
    description: '有死亡医学证明、死亡之后仍有养老金发放记录的人员：由人社局停发并追回多发待遇。',
    query: {
      mode: 'builder', shape: 'semi',
      a: { dataset: 'WJ_SWYX' },
      b: { dataset: 'RS_YLJFF' },
      on: [{ a: 'gmsfhm', b: 'gmsfhm' }],
      window: { a: 'swrq', b: 'ffny', op: 'after' },
      fields: ['gmsfhm', 'xm', 'swrq', 'b.ffbh', 'b.ffny', 'b.ffje'],
    },
    key: ['gmsfhm'],
    action: { priority: 'urgent', workingDays: 5 },
  }),
  collide('CZ', 'CZ', {
    code: 'COLLIDE_DISHONEST_SUBSIDY',
    name: '失信被执行人获得财政补贴',
    description: '仍在失信被执行人名单上的单位，在列入名单之后领取了财政补贴：由财政局核查、暂停拨付并依规追回。',
    query: {
      mode: 'builder', shape: 'semi',
      a: { dataset: 'FY_SXBZXR', where: { ycrq: { isNull: true } } },
      b: { dataset: 'CZ_QYBT' },
      on: [{ a: 'tyshxydm', b: 'tyshxydm' }],
      window: { a: 'lrrq', b: 'ffrq', op: 'after' },
      fields: ['tyshxydm', 'qymc', 'ah', 'lrrq', 'b.btbh', 'b.btxm', 'b.btje', 'b.ffrq'],
    },
    key: ['tyshxydm'],
    action: { workingDays: 10 },
  }),
  collide('GA', 'JY', {
    code: 'COLLIDE_SCHOOL_AGE_UNENROLLED',
    name: '适龄儿童未入学',
    description: '本市户籍、6 至 14 周岁（义务教育阶段）却没有学籍的儿童：公安局以户籍比对学籍，推送教育局联系监护人、落实入学（控辍保学）。',
    query: {
      mode: 'builder', shape: 'anti',
      a: { dataset: 'GA_HJRK', age: { field: 'csrq', gte: 6, lt: 15 } },
      b: { dataset: 'JY_XSXJ' },
      on: [{ a: 'gmsfhm', b: 'gmsfhm' }],
      fields: ['gmsfhm', 'xm', 'csrq', 'hjdz'],
    },
    key: ['gmsfhm'],
    action: { workingDays: 15 },
  }),
  collide('SC', 'SC', {
    code: 'COLLIDE_UNLICENSED_BUSINESS',
    name: '食品经营主体无有效许可',
    description: '登记状态为存续、从事餐饮或食品制造，在评估日没有有效食品生产经营许可证（未办证或证已过期）的市场主体：由市场监管局检查、责令办证或停业。',
    query: {
      mode: 'sql',
      sql: `SELECT q.tyshxydm, q.qymc, q.jyfw, q.zs, q.fddbr,
  (SELECT max(x.yxqz) FROM SC_SPXK x WHERE x.tyshxydm = q.tyshxydm) AS zjyxqz
FROM SC_QYDJ q
WHERE q.djzt = '存续' AND q.jyfw IN ('餐饮业', '食品制造业')
  AND NOT EXISTS (SELECT 1 FROM SC_SPXK x WHERE x.tyshxydm = q.tyshxydm AND x.fzrq <= {{as_of}} AND x.yxqz >= {{as_of}})`,
    },
    key: ['tyshxydm'],
    action: { workingDays: 10 },
  }),
];

/** What each rule's owner reads of another department's data: the grant it asks for, and what the provider decides. */
export const DEMO_RULE_GRANTS: Array<{
  rule: DemoRuleCode;
  consumer: string;
  dataset: string;
  purpose: string;
  fields: string[];
  /** Masks the provider loosens (join keys and dates the rule compares must be read in clear). */
  masks: Record<string, 'none'>;
  reason: string;
}> = [
  {
    rule: 'COLLIDE_RENTAL_UNDECLARED', consumer: 'GA', dataset: 'ZJ_FWZL', purpose: '出租房屋治安管理：警情地址与租赁备案比对',
    fields: ['bazh', 'fwzl', 'barq', 'zlqz'], masks: {}, reason: '依据《租赁房屋治安管理规定》，公安机关核查出租房屋登记备案情况',
  },
  {
    rule: 'COLLIDE_DECEASED_PENSION', consumer: 'RS', dataset: 'WJ_SWYX', purpose: '养老保险待遇领取资格认证：死亡人员停发待遇',
    fields: ['swzbh', 'gmsfhm', 'xm', 'swrq'], masks: { gmsfhm: 'none', swrq: 'none' },
    reason: '依据《社会保险法》及待遇领取资格认证办法；身份证号与死亡日期明文用于与发放名册比对',
  },
  {
    rule: 'COLLIDE_DISHONEST_SUBSIDY', consumer: 'CZ', dataset: 'FY_SXBZXR', purpose: '财政补贴资金拨付前的失信联合惩戒核查',
    fields: ['sxbh', 'ah', 'tyshxydm', 'qymc', 'lrrq', 'ycrq'], masks: {}, reason: '依据失信被执行人联合惩戒合作备忘录，限制失信被执行人获得政府补贴',
  },
  {
    rule: 'COLLIDE_SCHOOL_AGE_UNENROLLED', consumer: 'GA', dataset: 'JY_XSXJ', purpose: '义务教育控辍保学：户籍适龄儿童与学籍比对',
    fields: ['xjh', 'gmsfhm', 'xxmc'], masks: { gmsfhm: 'none' },
    reason: '依据《义务教育法》控辍保学要求；身份证号明文仅用于与户籍比对',
  },
];

/** The dataset codes a demo rule reads. */
export const datasetsOf = (rule: RuleInput): string[] =>
  rule.query.mode === 'builder' ? [rule.query.a.dataset, ...(rule.query.b ? [rule.query.b.dataset] : [])] : [...new Set<string>(rule.query.sql.match(/\b[A-Z]{2}_[A-Z]+\b/g) ?? [])];

const inDays = (n: number) => new Date(Date.now() + n * 86_400_000).toISOString();

/** The grant a rule's owner needs, asked for and approved once. */
async function ensureGrant(ctx: Ctx, as: (code: string) => Caller, g: (typeof DEMO_RULE_GRANTS)[number]): Promise<void> {
  const ds = await datasetByCode(ctx.db, g.dataset);
  if (!ds) return;
  const held = await activeGrant(ctx.db, as(g.consumer), ds).then(() => true, () => false);
  if (held) return;
  const provider = g.dataset.slice(0, g.dataset.indexOf('_'));
  const req = await shareRequests.create(ctx, as(g.consumer), { dataset: g.dataset, purpose: g.purpose, fields: g.fields, validUntil: inDays(365) });
  await shareRequests.approve(ctx, as(provider), req.id, { reason: g.reason, ...(Object.keys(g.masks).length ? { masks: g.masks } : {}) });
}

/**
 * The demo rules in place and run once: each owner department gets the grants it reads under, then
 * defines its rule and runs it (its findings open work orders). Idempotent: a rule already defined
 * is left as it is and not run again.
 */
export async function demoRules(ctx: Ctx, officers: Map<string, Caller>): Promise<void> {
  const as = (code: string) => officers.get(code)!;
  const loaded = async (code: string) => !!(await datasetByCode(ctx.db, code))?.currentVersion;
  for (const rule of DEMO_RULES) {
    if (!officers.has(rule.ownerDepartment) || (await ctx.db.one('SELECT 1 FROM rules WHERE code = $1', [rule.code]))) continue;
    // a very small city can leave a dataset empty (no version): its rule has nothing to read
    const reads = await Promise.all(datasetsOf(rule).map(loaded));
    if (reads.includes(false)) continue;
    for (const g of DEMO_RULE_GRANTS.filter((x) => x.rule === rule.code)) await ensureGrant(ctx, as, g);
    const owner = as(rule.ownerDepartment);
    await rules.create(ctx, owner, rule);
    await rules.run(ctx, owner, rule.code);
  }
}
