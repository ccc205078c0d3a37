/**
 * Catalog benchmark: Chinese search over 10,000 catalog entries through the HTTP API
 * (GET /api/v1/catalog/search, 32 concurrent connections, autocannon), against the peer measured in
 * the same run: PostgreSQL full-text search on the same entries (jieba-segmented tsvector, GIN
 * index, plainto_tsquery ranked by ts_rank, LIMIT 20, a pool of 32 connections).
 *
 *   npm run bench -- catalog [--entries N] [--duration S] [--download-rows N (0: skip)] [--database-url URL]
 *
 * Then the download half (bench/_catalogDownload.ts): one open dataset streamed as CSV, beside
 * PostgreSQL COPY TO STDOUT.
 *
 * The govhub server runs in this process on the control plane of production (a PostgreSQL server,
 * in a schema of its own; embedded PGlite when no server answers), its HTTP client in a worker
 * thread; the PostgreSQL peer's client runs in this process. Both run for the same duration over the
 * same query list. Ends with one key=value line per figure.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { performance as perfHooks } from 'node:perf_hooks';
import pg from 'pg';
import pino from 'pino';
import { catalogSearch, catalogSearchOf, DATASET_SELECT, indexTerms, invalidateCatalogSearch, queryTerms, SearchIndex, toDataset, type Field } from '../src/catalog/index.ts';
import { ensureAdmin } from '../src/identity/index.ts';
import { loadConfig, newId } from '../src/kernel/index.ts';
import { openPlatform } from '../src/platform.ts';
import { buildApp } from '../src/server/index.ts';
import { arg, defaultPgUrl, printTable, ratio, timed, withPostgres, dropSchema, reachable, httpLoad } from './_peers.ts';
import { downloadBench } from './_catalogDownload.ts';

export interface CatalogBenchOptions {
  entries?: number;
  durationS?: number;
  connections?: number;
  databaseUrl?: string | null;
  /** Rows of the download benchmark (default 1,000,000; 0 leaves it out). */
  downloadRows?: number;
  log?: (line: string) => void;
}

const eventLoopUtilization = perfHooks.eventLoopUtilization;

/** A deterministic PRNG (mulberry32). */
function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!;
  const some = <T>(xs: readonly T[], min: number, max: number): T[] => {
    const k = min + Math.floor(next() * (max - min + 1));
    return [...xs].sort(() => next() - 0.5).slice(0, k);
  };
  return { next, pick, some };
}

type F = [name: string, title: string, sensitivity: Field['sensitivity']];
const PERSON: F[] = [['xm', '姓名', 'L3'], ['gmsfhm', '公民身份号码', 'L4'], ['xb', '性别', 'L2'], ['csrq', '出生日期', 'L2'], ['mz', '民族', 'L2'], ['lxdh', '联系电话', 'L3'], ['jzdz', '居住地址', 'L3'], ['hjdz', '户籍地址', 'L3']];
const ORG: F[] = [['tyshxydm', '统一社会信用代码', 'L1'], ['qymc', '企业名称', 'L1'], ['fddbr', '法定代表人', 'L2'], ['zczb', '注册资本', 'L1'], ['jyfw', '经营范围', 'L1'], ['zcdz', '注册地址', 'L1'], ['clrq', '成立日期', 'L1']];
const COMMON: F[] = [['xzqhdm', '行政区划代码', 'L1'], ['djrq', '登记日期', 'L1'], ['blzt', '办理状态', 'L1'], ['spjg', '审批结果', 'L1'], ['ffje', '发放金额', 'L2'], ['ffrq', '发放日期', 'L1'], ['jbr', '经办人', 'L2'], ['gxsj', '更新时间', 'L1'], ['bz', '备注', 'L1'], ['jfjs', '缴费基数', 'L3'], ['cbzt', '参保状态', 'L2'], ['zjlx', '证件类型', 'L1']];

/** Departments, each with its subjects (what its entries are about), the theme they belong to and keywords. */
const DEPARTMENTS: { code: string; name: string; theme: string; subjects: string[]; keywords: string[]; fields: F[] }[] = [
  { code: 'GA', name: '公安局', theme: '人口', subjects: ['户籍人口', '流动人口', '居住证', '机动车登记', '驾驶证', '出入境证件', '户籍迁移', '身份证办理', '暂住登记', '治安案件'], keywords: ['户籍', '人口', '证件', '治安'], fields: PERSON },
  { code: 'MZ', name: '民政局', theme: '社会救助', subjects: ['最低生活保障', '特困人员供养', '临时救助', '婚姻登记', '养老机构', '殡葬服务', '社会组织登记', '高龄津贴', '残疾人两项补贴', '低保边缘家庭'], keywords: ['低保', '救助', '养老', '婚姻', '民政'], fields: PERSON },
  { code: 'RS', name: '人力资源和社会保障局', theme: '社会保障', subjects: ['城乡居民养老保险', '企业职工养老保险', '失业保险', '工伤保险', '就业登记', '职业技能培训', '社会保障卡', '劳动合同备案', '人才引进', '退休人员'], keywords: ['社保', '养老保险', '就业', '人社'], fields: PERSON },
  { code: 'WJ', name: '卫生健康委员会', theme: '医疗卫生', subjects: ['出生医学证明', '疫苗接种', '医疗机构执业', '医师执业注册', '传染病报告', '家庭医生签约', '死亡医学证明', '妇幼保健', '健康档案', '采供血'], keywords: ['医疗', '卫生', '健康', '疫苗'], fields: PERSON },
  { code: 'YB', name: '医疗保障局', theme: '社会保障', subjects: ['城乡居民医疗保险', '职工医疗保险', '医保结算', '医保定点机构', '大病保险', '医疗救助', '异地就医备案', '药品集中采购'], keywords: ['医保', '医疗保险', '结算'], fields: PERSON },
  { code: 'SJ', name: '市场监督管理局', theme: '法人', subjects: ['企业登记', '个体工商户登记', '营业执照', '食品经营许可', '特种设备', '行政处罚', '企业年报', '商标注册', '产品质量抽检', '经营异常名录'], keywords: ['企业', '市场主体', '许可', '监管'], fields: ORG },
  { code: 'SW', name: '税务局', theme: '法人', subjects: ['纳税人登记', '纳税信用等级', '发票领用', '欠税公告', '税收减免', '个人所得税'], keywords: ['税务', '纳税', '发票'], fields: ORG },
  { code: 'JY', name: '教育局', theme: '教育', subjects: ['中小学学籍', '幼儿园名录', '学校基本信息', '教师资格', '学生资助', '招生入学', '校外培训机构'], keywords: ['教育', '学籍', '学校'], fields: PERSON },
  { code: 'ZJ', name: '住房和城乡建设局', theme: '住房', subjects: ['商品房预售许可', '住房公积金', '公共租赁住房', '建筑施工许可', '物业服务企业', '房屋网签备案', '老旧小区改造'], keywords: ['住房', '房屋', '建设', '公积金'], fields: ORG },
  { code: 'ZR', name: '自然资源和规划局', theme: '自然资源', subjects: ['不动产登记', '土地出让', '建设用地规划许可', '地籍调查', '耕地保护', '测绘成果'], keywords: ['不动产', '土地', '规划'], fields: ORG },
  { code: 'ST', name: '生态环境局', theme: '生态环境', subjects: ['排污许可', '环境影响评价', '空气质量监测', '水质监测', '固体废物', '环境信访'], keywords: ['环保', '排污', '监测'], fields: ORG },
  { code: 'JT', name: '交通运输局', theme: '交通出行', subjects: ['道路运输许可', '出租汽车', '公交线路', '网约车', '客运站点', '交通违法'], keywords: ['交通', '运输', '出行'], fields: ORG },
  { code: 'CL', name: '残疾人联合会', theme: '社会救助', subjects: ['残疾人证', '残疾人康复', '残疾人就业', '无障碍设施'], keywords: ['残疾人', '康复', '助残'], fields: PERSON },
  { code: 'TJ', name: '统计局', theme: '经济运行', subjects: ['地区生产总值', '规模以上工业', '居民消费价格', '人口抽样调查', '固定资产投资'], keywords: ['统计', '经济', 'GDP'], fields: COMMON },
];
const QUALIFIERS = ['信息', '登记信息', '名录', '台账', '统计', '明细', '变更记录', '审批结果', '基本信息', '发放记录', '参保信息', '办理记录', '年度报表', '月度汇总'];
const REGIONS = ['', '', '', '市', '上城区', '西湖区', '滨江区', '萧山区', '余杭区', '临平区', '钱塘区'];
const PURPOSES = ['跨部门共享', '惠民政策精准推送', '一网通办', '监管执法', '统计分析', '基层治理', '城市运行监测'];
const CYCLES = ['实时', '每日', '每周', '每月', '每季度', '每年'];
const LAYERS = ['raw', 'standard', 'base', 'theme', 'business'] as const;
const FORMATS = ['database', 'database', 'database', 'spreadsheet', 'file', 'api', 'stream'] as const;
const SHARE = ['unconditional', 'conditional', 'conditional', 'none'] as const;
const OPEN = ['open', 'open', 'conditional', 'none', 'none'] as const;
const STATUS = [...Array(16).fill('published'), 'draft', 'draft', 'submitted', 'returned'] as const;

/** Realistic search requests: words, compounds, several words, field titles, pinyin initials and prefixes, codes. */
export const QUERIES = [
  '养老', '低保', '户籍', '企业登记', '营业执照', '医保', '社保', '不动产', '学籍', '疫苗', '公积金', '排污许可', '残疾人', '婚姻登记', '驾驶证',
  '城乡居民养老保险', '最低生活保障', '城乡居民医疗保险', '出生医学证明', '食品经营许可', '商品房预售许可',
  '养老 参保', '低保 发放', '户籍 迁移', '企业 行政处罚', '西湖区 低保', '医疗 救助',
  '公民身份号码', '统一社会信用代码', '联系电话', '发放金额',
  'ylbx', 'yanglao', 'dibao', 'hj', 'qydj', 'cxjm', 'shebao', 'yibao', 'bdcdj', 'GA_00',
];

/** `n` catalog entries as rows of the datasets table (and the departments they belong to). */
export function generateEntries(n: number, seed = 2026) {
  const r = prng(seed);
  const now = Date.parse('2026-06-01T00:00:00Z');
  const departments = DEPARTMENTS.map((d) => ({ id: newId(), ...d }));
  const entries = Array.from({ length: n }, (_, i) => {
    const d = r.pick(departments);
    const subject = r.pick(d.subjects);
    const region = r.pick(REGIONS);
    const name = `${region}${subject}${r.pick(QUALIFIERS)}${r.next() < 0.2 ? `（${2019 + Math.floor(r.next() * 7)}年）` : ''}`;
    const own = r.some(d.fields, 2, Math.min(6, d.fields.length));
    const fields: Field[] = [...own, ...r.some(COMMON, 2, 7)].map(([fname, title, sensitivity]) => ({ name: fname, title, type: 'string', sensitivity }));
    const cycle = r.pick(CYCLES);
    const updated = new Date(now - Math.floor(r.next() * 730 * 86_400_000));
    const status = r.pick(STATUS);
    return {
      id: newId(), code: `${d.code}_${String(i).padStart(5, '0')}`, name, departmentId: d.id, theme: d.theme,
      description: `本资源记录${region || '全市'}${d.name}${subject}相关数据，${cycle}更新，用于${r.pick(PURPOSES)}。`,
      layer: r.pick(LAYERS), updateCycle: cycle, shareType: r.pick(SHARE), openType: r.pick(OPEN), fields, category: r.pick(['base', 'theme', 'department'] as const),
      resourceFormat: r.pick(FORMATS), keywords: r.some([...d.keywords, subject], 1, 3), status, updatedAt: updated.toISOString(),
      publishedAt: status === 'published' ? updated.toISOString() : null,
    };
  });
  return { departments, entries };
}
type Entry = ReturnType<typeof generateEntries>['entries'][number];

/** Exact percentile of sorted latencies. */
const pct = (sorted: number[], p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]! : NaN);
const round = (x: number, d = 2) => Math.round(x * 10 ** d) / 10 ** d;

interface LoadFigures { p50: number; p95: number; qps: number; requests: number }
function figures(latencies: number[], seconds: number): LoadFigures {
  latencies.sort((a, b) => a - b);
  return { p50: round(pct(latencies, 50)), p95: round(pct(latencies, 95)), qps: Math.round(latencies.length / seconds), requests: latencies.length };
}

export async function run(opts: CatalogBenchOptions = {}): Promise<Record<string, number>> {
  const n = opts.entries ?? 10_000;
  const duration = opts.durationS ?? 10;
  const connections = opts.connections ?? 32;
  const log = opts.log ?? ((s: string) => console.log(s));
  const out: Record<string, number> = {};
  const table: string[][] = [];
  const { departments, entries } = generateEntries(n);
  log(`catalog bench: ${n.toLocaleString('en')} entries, ${QUERIES.length} queries, ${connections} connections, ${duration} s per side, ${os.cpus().length} CPUs, load average ${os.loadavg()[0]!.toFixed(1)}`);

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'govhub-bench-catalog-'));
  const pgUrl = opts.databaseUrl === undefined ? defaultPgUrl() : opts.databaseUrl;
  // the control plane of production (a PostgreSQL server, a schema of its own) when it can be reached, else embedded PGlite
  const schema = `bench_catalog_cp_${process.pid}`;
  const onServer = !!pgUrl && (await reachable(pgUrl));
  const config = loadConfig({ dataDir: dir, databaseUrl: onServer ? pgUrl! : undefined, adminPassword: 'bench-pass-2026', secretKey: 'bench', duckdbThreads: 1 }, {});
  const p = await openPlatform(config, { log: pino({ level: 'silent' }), memoryControlPlane: !onServer, schema: onServer ? schema : undefined });
  log(`govhub control plane: ${onServer ? `PostgreSQL (schema ${schema})` : 'PGlite in memory'}`);
  try {
    await ensureAdmin(p);
    for (const d of departments) await p.db.query(`INSERT INTO departments (id, code, name, region_code) VALUES ($1, $2, $3, '330100')`, [d.id, d.code, d.name]);
    const load = await timed(async () => {
      for (let i = 0; i < entries.length; i += 500) await insertBatch(p.db, entries.slice(i, i + 500));
    });
    log(`inserted ${n} entries in ${Math.round(load.ms)} ms (multi-row INSERT, 500 a batch)`);

    const app = await buildApp(p, { web: false, logger: false, rateLimitPerMinute: 100_000_000 });
    await app.listen({ port: 0, host: '127.0.0.1' });
    try {
      const base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}/api/v1`;
      const post = async (url: string, body: unknown, auth?: string) => {
        const res = await fetch(`${base}${url}`, { method: 'POST', headers: { 'content-type': 'application/json', ...(auth ? { authorization: auth } : {}) }, body: JSON.stringify(body) });
        if (!res.ok) throw new Error(`${url}: ${res.status} ${await res.text()}`);
        return res.json() as Promise<Record<string, string>>;
      };
      // an analyst of 民政局: sees published entries and every entry of 民政局
      const admin = `Bearer ${(await post('/auth/login', { username: 'admin', password: 'bench-pass-2026' })).token}`;
      await post('/users', { username: 'analyst_mz', displayName: '民政分析员', password: 'analyst-pass-2026', role: 'analyst', departmentId: departments.find((d) => d.code === 'MZ')!.id }, admin);
      const auth = `Bearer ${(await post('/auth/login', { username: 'analyst_mz', password: 'analyst-pass-2026' })).token}`;

      // index build: the first query builds it; then a rebuild after a change (the dictionary loaded)
      const search = catalogSearchOf(p);
      const first = await timed(() => search.current());
      invalidateCatalogSearch(p);
      const rebuild = await timed(() => search.current());
      const idx = rebuild.out;
      const loaded = await timed(async () => (await p.db.query<Parameters<typeof toDataset>[0]>(DATASET_SELECT)).map(toDataset));
      const inMemory = await timed(async () => SearchIndex.build(loaded.out));
      out.index_build_ms = Math.round(rebuild.ms);
      log(`index: first build ${Math.round(first.ms)} ms (dictionary load included), rebuild ${Math.round(rebuild.ms)} ms for ${search.lastBuild.entries} entries (load from the control plane + tokenise + index); of which loading ${Math.round(loaded.ms)} ms, in-memory build ${Math.round(inMemory.ms)} ms; ${idx.termCount.toLocaleString('en')} terms`);
      out.index_build_in_memory_ms = Math.round(inMemory.ms);

      const sample = await fetch(`${base}/catalog/search?q=${encodeURIComponent('养老')}&limit=20`, { headers: { authorization: auth } });
      const sampleBody = await sample.json() as { total: number; mode: string; items: { dataset: { code: string; name: string } }[] };
      log(`sample: "养老" → ${sampleBody.total} entries (${sampleBody.mode}), first: ${sampleBody.items.slice(0, 3).map((h) => h.dataset.name).join('、')}`);

      // the index alone, in this thread: every query in turn for 2 s (what a request costs before HTTP, auth and JSON)
      const analyst = { id: null, username: 'analyst_mz', displayName: '民政分析员', role: 'analyst' as const, departmentId: departments.find((d) => d.code === 'MZ')!.id };
      let done = 0;
      const t0 = performance.now();
      while (performance.now() - t0 < 2000) await catalogSearch.search(p, analyst, { q: QUERIES[done++ % QUERIES.length], limit: 20 });
      out.search_index_only_qps = Math.round(done / ((performance.now() - t0) / 1000));

      const elu = eventLoopUtilization();
      const load = await httpLoad({
        url: base.replace('/api/v1', ''), connections, duration, headers: { authorization: auth },
        paths: QUERIES.map((q) => `/api/v1/catalog/search?q=${encodeURIComponent(q)}&limit=20`),
      });
      if (load.bad || load.errors) throw new Error(`search answered ${load.bad} non-200 responses and ${load.errors} errors`);
      const g = figures(load.latencies, load.seconds);
      out.search_p50_ms = g.p50;
      out.search_p95_ms = g.p95;
      out.search_qps = g.qps;
      const busy = eventLoopUtilization(elu);
      log(`server thread busy ${Math.round(busy.utilization * 100)}% of the run, ${round(busy.active / g.requests)} ms a request; the index alone answers ${out.search_index_only_qps} queries/s in one thread`);
      table.push(['govhub GET /catalog/search (HTTP, in-memory index)', String(g.requests), String(g.p50), String(g.p95), String(g.qps), 'total + facets + visibility, full entries']);
    } finally {
      await app.close();
    }

    await withPostgres(opts.databaseUrl, 'bench_catalog', log, async (client, schema, url) => {
      const ver = (await client.query(`SHOW server_version`)).rows[0].server_version as string;
      await client.query(`CREATE TABLE catalog (id uuid PRIMARY KEY, code text NOT NULL, name text NOT NULL, description text NOT NULL, department_id uuid NOT NULL,
        theme text, layer text, update_cycle text, share_type text, open_type text, fields jsonb, category text, resource_format text, keywords text[], status text,
        updated_at timestamptz, published_at timestamptz, doc tsvector NOT NULL)`);
      const seg = (s: string) => indexTerms(s).join(' ');
      const build = await timed(async () => {
        for (let i = 0; i < entries.length; i += 500) {
          const batch = entries.slice(i, i + 500);
          const params: unknown[] = [];
          const rows = batch.map((e) => {
            const at = params.length;
            params.push(e.id, e.code, e.name, e.description, e.departmentId, e.theme, e.layer, e.updateCycle, e.shareType, e.openType, JSON.stringify(e.fields), e.category,
              e.resourceFormat, e.keywords, e.status, e.updatedAt, e.publishedAt, seg(`${e.name} ${e.code}`), seg(e.keywords.join(' ')), seg(e.fields.map((f) => f.title).join(' ')), seg(e.description));
            const $ = (k: number) => `$${at + k}`;
            return `(${Array.from({ length: 17 }, (_, k) => $(k + 1)).join(',')}, setweight(to_tsvector('simple', ${$(18)}), 'A') || setweight(to_tsvector('simple', ${$(19)}), 'B')
              || setweight(to_tsvector('simple', ${$(20)}), 'C') || setweight(to_tsvector('simple', ${$(21)}), 'D'))`;
          });
          await client.query(`INSERT INTO catalog VALUES ${rows.join(',')}`, params);
        }
        await client.query(`CREATE INDEX catalog_doc ON catalog USING gin (doc)`);
        await client.query(`ANALYZE catalog`);
      });
      log(`PostgreSQL ${ver}: table + GIN index built in ${Math.round(build.ms)} ms`);
      const mz = departments.find((d) => d.code === 'MZ')!.id;
      const sql = `SELECT id, code, name, description, department_id, theme, layer, update_cycle, share_type, open_type, fields, category, resource_format, keywords, status, updated_at,
          ts_rank(doc, query) AS rank
        FROM catalog, plainto_tsquery('simple', $1) query
        WHERE doc @@ query AND (status = 'published' OR department_id = $2)
        ORDER BY rank DESC, name LIMIT 20`;
      const pool = new pg.Pool({ connectionString: url, max: connections, options: `-c search_path=${schema}` });
      try {
        const segmented = QUERIES.map((q) => queryTerms(q).join(' '));
        await Promise.all(Array.from({ length: connections }, () => pool.query('SELECT 1')));
        const latencies: number[] = [];
        const end = performance.now() + duration * 1000;
        const t0 = performance.now();
        await Promise.all(Array.from({ length: connections }, async (_, w) => {
          for (let k = w; performance.now() < end; k++) {
            const s = performance.now();
            await pool.query(sql, [segmented[k % segmented.length], mz]);
            latencies.push(performance.now() - s);
          }
        }));
        const g = figures(latencies, (performance.now() - t0) / 1000);
        out.pg_fts_p50_ms = g.p50;
        out.pg_fts_p95_ms = g.p95;
        out.pg_fts_qps = g.qps;
        table.push([`PostgreSQL ${ver} full-text search (pg.Pool ${connections})`, String(g.requests), String(g.p50), String(g.p95), String(g.qps), 'plainto_tsquery + ts_rank, LIMIT 20, no total or facets']);
      } finally {
        await pool.end();
      }
    });
  } finally {
    await p.close();
    if (onServer) await dropSchema(pgUrl!, schema);
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const r = ratio(out.search_qps, out.pg_fts_qps);
  if (r !== undefined) out.ratio_qps_vs_postgres_fts = r;

  printTable(log, ['engine', 'requests', 'p50 ms', 'p95 ms', 'qps', 'answers with'], table);

  // the download half of the catalog benchmark (bench/_catalogDownload.ts): one open dataset as CSV beside PostgreSQL COPY
  if (opts.downloadRows !== 0) Object.assign(out, await downloadBench({ log, databaseUrl: opts.databaseUrl, rows: opts.downloadRows }));
  for (const [k, v] of Object.entries(out)) log(`${k}=${v}`);
  return out;
}


/** One multi-row INSERT of catalog entries into the control plane. */
async function insertBatch(db: { query(sql: string, params?: unknown[]): Promise<unknown> }, batch: Entry[]): Promise<void> {
  const params: unknown[] = [];
  const rows = batch.map((e) => {
    const values = [e.id, e.code, e.name, e.description, e.departmentId, e.theme, e.layer, e.updateCycle, e.shareType, e.openType, JSON.stringify(e.fields),
      e.category, e.resourceFormat, e.keywords, e.status, e.updatedAt, e.updatedAt, e.publishedAt, e.shareType === 'none' ? '《政务数据共享管理办法》' : null];
    const at = params.length;
    params.push(...values);
    return `(${values.map((_, k) => `$${at + k + 1}`).join(',')})`;
  });
  await db.query(`INSERT INTO datasets (id, code, name, description, department_id, theme, layer, update_cycle, share_type, open_type, fields, category,
    resource_format, keywords, status, created_at, updated_at, published_at, share_basis) VALUES ${rows.join(',')}`, params);
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const num = (flag: string) => (arg(flag) === undefined ? undefined : Number(arg(flag)));
  run({ entries: num('--entries'), durationS: num('--duration'), downloadRows: num('--download-rows'), databaseUrl: arg('--database-url') }).catch((err) => {
    console.error(err);
    process.exitCode = 1;
  });
}
