/**
 * The demo city's citizen reports (12345 · 网格化 · 数字城管): a dispatch centre (市民热线服务中心, RX)
 * with its dispatcher and hotline operator, handlers in the departments that act, a year of cases
 * taken over from the old hotline system (closed, rated, some returned, some overdue, a few
 * duplicates merged and invalid reports) and the last fortnight's cases handled live through the
 * case service (pending, dispatched, in hand, answered) — then the classifier trained on them.
 */
import { type Caller, type Ctx, newId, SYSTEM } from '../kernel/index.ts';
import { departments } from '../identity/index.ts';
import { caseCategories, caseClassifier, type Category, handling, intake } from '../apps/cases/index.ts';
import { calendar } from '../calendar/index.ts';
import { Prng } from './prng.ts';

/** Reports per year at the default size. */
export const DEMO_CASES = 600;
/** Days before the load whose cases are handled live (the rest is history). */
const LIVE_DAYS = 14;

type Ensure = (u: { username: string; displayName: string; role: Caller['role']; departmentId: string | null }) => Promise<Caller>;

const PLACES = ['小区', '花园', '公寓', '新村', '家园', '苑'];
const ROADS = ['文三路', '学院路', '莫干山路', '体育场路', '凤起路', '解放路', '延安路', '秋涛路', '江南大道', '滨盛路', '金城路', '临平大道', '文一西路', '之江路', '天目山路', '古墩路'];

/** What citizens say, per category name: {p} a place, {r} a road. */
const TEXTS: Record<string, string[]> = {
  城乡建设: ['{p}物业违规收取停车费，业主多次反映无果', '{p}地下车库漏水严重，物业迟迟不修', '{r}人行道被施工围挡占用，行人只能走机动车道', '{p}电梯经常故障停运，老人上下楼困难', '{p}楼顶违章搭建，存在安全隐患', '{r}路面塌陷出现大坑，夜间容易发生事故', '{p}长期停水，居民生活受影响'],
  环境保护: ['{r}附近工厂夜间偷排废气，气味刺鼻', '{p}楼下餐馆油烟直排，窗户都不敢开', '{r}河道发黑发臭，漂浮大量垃圾', '{p}旁工地夜间施工噪音扰民，影响休息', '{r}搅拌站粉尘污染严重，车辆一过满天灰'],
  交通运输: ['{r}公交站台候车亭损坏，下雨无处躲', '{r}红绿灯时间太短，行人来不及过马路', '{r}出租车拒载绕路，投诉司机服务态度差', '{p}门口公交线路调整后出行很不方便', '{r}路口车辆乱停乱放，造成交通拥堵'],
  教育文体: ['孩子入学学位不足，{p}片区划分不合理', '{p}附近培训机构违规收费，退费困难', '{r}体育场馆开放时间太短，健身不方便', '学校午餐质量差，家长多次反映', '{p}幼儿园收费标准不透明'],
  劳动和社会保障: ['{r}工地拖欠农民工工资三个月', '公司不给缴纳社会保险，员工维权难', '{p}附近企业辞退员工不给经济补偿', '失业金申领材料复杂，办理时间太长', '退休人员养老金调整何时到账'],
  商贸旅游: ['{r}景区商家强制消费，价格不透明', '{p}超市销售过期食品', '{r}农贸市场缺斤短两现象严重', '预付卡商家跑路，消费者无法退款', '{r}酒店虚假宣传，实际与描述不符'],
  卫生计生: ['{r}医院挂号难，专家号一号难求', '{p}社区卫生服务中心服务态度差', '{r}药店违规销售处方药', '新生儿疫苗接种预约不上', '{p}附近诊所无证行医'],
  暴露垃圾: ['{p}门口垃圾堆积多日无人清运，气味很大', '{r}绿化带内有人倾倒建筑垃圾', '{r}路边垃圾桶满溢，垃圾散落一地'],
  非法小广告: ['{p}楼道墙面贴满非法小广告', '{r}电线杆上到处是办证小广告'],
  店外经营: ['{r}流动摊贩占道经营，堵塞人行道', '{p}门口夜市摊位占道，噪音油烟扰民', '{r}店铺把商品摆到人行道上经营'],
  施工扰民: ['{p}旁工地深夜施工，噪音扰民', '{r}道路施工未设置围挡，尘土飞扬'],
  井盖: ['{r}人行道井盖缺失，非常危险', '{p}门口井盖破损松动，车辆经过响声很大'],
  路灯: ['{r}路灯不亮已经一周了', '{p}小区外道路路灯损坏，夜间漆黑一片'],
};

/** The category to file a text under: by name among the categories (component and event names may be longer). */
function categoryFor(name: string, cats: Category[]) {
  return cats.find((c) => c.name === name) ?? cats.find((c) => c.kind !== 'hotline' && c.level === 2 && c.name.includes(name));
}

const ANSWERS = ['经现场核查，已责成相关单位整改到位，并将加强日常巡查。', '已联系反映人说明情况，问题已协调解决。', '已安排人员处理完毕，感谢您对城市管理工作的支持。', '经调查，情况属实，已依法查处并督促整改。'];

export async function demoCases(ctx: Ctx, opts: { seed?: number; count?: number; ensureUser: Ensure; now?: Date }): Promise<{ cases: number; live: number; seconds: number }> {
  const t0 = performance.now();
  const rng = new Prng((opts.seed ?? 42) ^ 0xca5e);
  const now = opts.now ?? new Date();
  const rx = (await departments.byCode(ctx, 'RX')) ?? (await departments.create(ctx, SYSTEM, { code: 'RX', name: '示范市市民热线服务中心', nameEn: '12345 Citizen Hotline Centre', regionCode: '330100' }));
  const dispatcher = await opts.ensureUser({ username: 'officer_rx', displayName: '热线派单员', role: 'officer', departmentId: rx.id });
  const operator = await opts.ensureUser({ username: 'operator_rx', displayName: '热线话务员', role: 'handler', departmentId: rx.id });
  await caseCategories.setCentre(ctx, SYSTEM, rx.id);
  await caseCategories.ensure(ctx);
  // categories written before the departments existed take their department from the hint now
  const cats = (await caseCategories.list(ctx, { active: true }));
  const deptIds = new Map((await ctx.db.query<{ id: string; code: string }>(`SELECT id, code FROM departments`)).map((d) => [d.id, d.code]));
  const handlers = new Map<string, Caller>();
  const handlerOf = async (deptId: string) => {
    if (!handlers.has(deptId)) handlers.set(deptId, await opts.ensureUser({ username: `handler_${(deptIds.get(deptId) ?? 'x').toLowerCase()}`, displayName: `${deptIds.get(deptId)}办件人员`, role: 'handler', departmentId: deptId }));
    return handlers.get(deptId)!;
  };
  const cg = await departments.byCode(ctx, 'CG');
  const fallback = cg?.id ?? rx.id;
  const cells = await ctx.db.query<{ code: string; district: string; lng: number; lat: number }>(`SELECT code, substr(code, 1, 6) AS district, center_lng AS lng, center_lat AS lat FROM geo_areas WHERE level = 'grid' ORDER BY code`);
  const kinds = Object.keys(TEXTS).map((name) => ({ name, cat: categoryFor(name, cats) })).filter((k) => k.cat);
  if (!kinds.length) return { cases: 0, live: 0, seconds: 0 };
  const count = opts.count ?? DEMO_CASES;
  // loaded before: the reports stay as they are (a second load adds none)
  const had = await ctx.db.one<{ n: number }>(`SELECT count(*)::int AS n FROM cases`);
  if (Number(had?.n ?? 0) > 0) return { cases: Number(had!.n), live: 0, seconds: (performance.now() - t0) / 1000 };
  const cal = await calendar.load(ctx);

  const report = () => {
    const k = kinds[Math.floor(rng.next() ** 1.3 * kinds.length)]!;
    const road = rng.pick(ROADS);
    const text = rng.pick(TEXTS[k.name]!).replace('{p}', `${rng.pick(['湖滨', '翠苑', '文新', '古荡', '西兴', '长河', '北干', '临平', '下沙', '米市巷'])}${rng.pick(PLACES)}`).replace('{r}', road);
    const cell = cells.length && rng.chance(0.85) ? cells[Math.floor(rng.next() ** 1.6 * cells.length)]! : null;
    const point = cell ? { lng: Math.round((cell.lng + (rng.next() - 0.5) * 0.004) * 1e6) / 1e6, lat: Math.round((cell.lat + (rng.next() - 0.5) * 0.003) * 1e6) / 1e6 } : null;
    const phone = `1${rng.pick(['3', '5', '8'])}${String(rng.int(1e9)).padStart(9, '0')}`;
    return { k, text, road, cell, point, phone, channel: rng.pick(['hotline', 'hotline', 'hotline', 'web', 'grid'] as const), urgent: rng.chance(0.08) };
  };

  // history: written as the old system handed it over, one transaction
  const history = Math.round(count * 0.93);
  await ctx.db.transaction(async (tx) => {
    for (let i = 0; i < history; i++) {
      const r = report();
      const cat = r.k.cat!;
      const deptId = cat.department?.id ?? fallback;
      const reported = new Date(now.getTime() - (LIVE_DAYS + rng.next() * (365 - LIVE_DAYS)) * 86_400_000);
      const dispatched = new Date(reported.getTime() + (0.2 + rng.next() * 3) * 3_600_000);
      const due = cal.addWorkingDays(dispatched, r.urgent ? cat.days.urgent : cat.days.normal);
      const accepted = new Date(dispatched.getTime() + (rng.chance(0.9) ? rng.next() * 20 : 24 + rng.next() * 30) * 3_600_000);
      const late = rng.chance(0.07);
      const answered = late ? new Date(due.getTime() + (1 + rng.next() * 72) * 3_600_000) : new Date(accepted.getTime() + rng.next() * Math.max(1, due.getTime() - accepted.getTime()) * 0.9);
      const roll = rng.next();
      const status = roll < 0.03 ? 'invalid' : 'closed';
      const sat = roll < 0.03 ? null : rng.chance(0.1) ? null : rng.next() < 0.72 ? 'satisfied' : rng.next() < 0.7 ? 'basic' : 'unsatisfied';
      const id = newId();
      const code = `AJ-${shanghaiCompact(reported)}-${String(90000 + i).padStart(5, '0')}`;
      const valid = status !== 'invalid';
      await tx.query(
        `INSERT INTO cases (id, code, channel, status, urgency, title, text, category_code, suggested_category, department_id, address, lng, lat, grid_code, district_code,
           reporter_name, reporter_phone, reported_at, dispatched_at, accepted_at, due_at, answer, answered_at, answered_by, satisfaction, resolved, rated_at, closed_at, returns, reopens, created_at, updated_at)
         VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$8,$9,$10,$11,$12,$13,$14,'',$15,$16,$17,$18,$19,$20,$21,$22,$23,$24,$25,$26,$27,$28,$16,$26)`,
        [id, code, r.channel === 'grid' ? 'grid' : r.channel, status, r.urgent ? 'urgent' : 'normal', [...r.text].slice(0, 30).join(''), r.text, cat.code, valid ? deptId : null,
          `示范市${r.road}`, r.point?.lng ?? null, r.point?.lat ?? null, r.cell?.code ?? null, r.cell?.district ?? null,
          r.phone, reported.toISOString(), valid ? dispatched.toISOString() : null, valid ? accepted.toISOString() : null, valid ? due.toISOString() : null,
          valid ? rng.pick(ANSWERS) : null, valid ? answered.toISOString() : null, valid ? deptIds.get(deptId) ?? '' : null, sat, sat ? sat !== 'unsatisfied' : null,
          sat ? new Date(answered.getTime() + 86_400_000).toISOString() : null, new Date(answered.getTime() + 2 * 86_400_000).toISOString(), valid && rng.chance(0.06) ? 1 : 0, sat === 'unsatisfied' ? 1 : 0],
      );
      await tx.query(`INSERT INTO case_events (id, case_id, at, actor_id, actor_name, action, from_status, to_status, note, public) VALUES ($1,$2,$3,NULL,'历史数据迁移','import',NULL,$4,'由原热线系统迁入 / taken over from the previous hotline system',true)`,
        [newId(), id, reported.toISOString(), status]);
    }
  });

  // the last fortnight: through the case service, as it happens
  const live = count - history;
  for (let i = 0; i < live; i++) {
    const r = report();
    const cat = r.k.cat!;
    const reportedAt = new Date(now.getTime() - ((live - i) / live) * LIVE_DAYS * 86_400_000).toISOString();
    const by = r.channel === 'web' ? null : r.channel === 'grid' ? await handlerOf(fallback) : operator;
    const made = await intake.report(ctx, by, {
      channel: r.channel, text: r.text, urgency: r.urgent ? 'urgent' : 'normal', reporterPhone: r.phone, reporterName: r.channel === 'grid' ? '' : rng.pick(['张先生', '李女士', '王先生', '赵女士', '陈先生']),
      consent: rng.chance(0.5), reportedAt, address: `示范市${r.road}`, ...(r.point ? r.point : {}),
    }, { skipDuplicates: true });
    const stage = rng.next();
    if (stage < 0.25) continue; // 待分拨
    const deptId = cat.department?.id ?? fallback;
    await handling.dispatch(ctx, dispatcher, made.id, { category: cat.code, departmentId: deptId });
    if (stage < 0.45) continue; // 已派单
    const h = await handlerOf(deptId);
    await handling.accept(ctx, h, made.id);
    if (stage < 0.7) continue; // 办理中
    await handling.answer(ctx, h, made.id, rng.pick(ANSWERS));
  }
  await caseClassifier.train(ctx);
  return { cases: count, live, seconds: (performance.now() - t0) / 1000 };
}

const shanghaiCompact = (d: Date) => new Date(d.getTime() + 8 * 3_600_000).toISOString().slice(0, 10).replace(/-/g, '');
