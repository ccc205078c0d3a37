/**
 * A city with open data, for the CKAN API tests: on top of the attack city (GA, MZ, CL), datasets
 * published through review (the city's `register` submits and publishes) — open (with an L3 field
 * masked and an L4 field dropped), conditionally open, published but not open, and a draft — each
 * with rows ingested; an approved open-data key.
 */
import assert from 'node:assert/strict';
import type { LightMyRequestResponse } from 'fastify';
import { id, openCity, type Auth, type City } from './city.ts';
import type { TestDriver } from './platform.ts';

/** The fields of the people dataset: a name (L3, masked in open data), an ID number (L4, dropped), a district, an age, a note. */
export const PEOPLE_FIELDS = [
  { name: 'xm', title: '姓名', type: 'string', sensitivity: 'L3', mask: 'name', open: 'mask' },
  { name: 'sfzh', title: '身份证号', type: 'string', element: 'id_card', sensitivity: 'L4' },
  { name: 'qy', title: '区域', type: 'string', sensitivity: 'L1' },
  { name: 'nl', title: '年龄', type: 'integer', sensitivity: 'L1' },
  { name: 'bz', title: '备注', type: 'string', sensitivity: 'L2' },
];
/** Rows of the people dataset: names and ID numbers that must never reach an open answer in clear. */
export const PEOPLE = [
  { xm: '欧阳娜娜', sfzh: id(1), qy: '西湖区', nl: 34, bz: '低保户' },
  { xm: '诸葛孔明', sfzh: id(2), qy: '上城区', nl: 51, bz: '优抚对象' },
  { xm: '司马相如', sfzh: id(3), qy: '西湖区', nl: 27, bz: '' },
  { xm: '上官婉儿', sfzh: id(4), qy: '拱墅区', nl: 45, bz: '低保户' },
  { xm: '东方不败', sfzh: id(5), qy: '滨江区', nl: 62, bz: '100%完成' },
];
/** Values that no open answer may hold: the ID numbers (L4, dropped) and the names in clear (L3, masked). */
export const SECRETS = [...PEOPLE.map((p) => p.sfzh), ...PEOPLE.map((p) => p.xm)];

export interface OpenCity extends City {
  /** A govhub API token of GA's officer (bare, as CKAN clients send it). */
  gaToken: string;
  /** An approved open-data key (for conditional open data). */
  openKey: string;
  /** Call the CKAN Action API: GET with the parameters in the query string, or POST with a JSON body. */
  ckan(method: 'GET' | 'POST', action: string, params?: Record<string, unknown>, headers?: Record<string, string>, prefix?: string): Promise<LightMyRequestResponse>;
  /** Every CKAN answer so far, with what was asked. */
  answers: { asked: string; body: string }[];
}

const CSV = (rows: Record<string, unknown>[]) => `姓名,身份证号,区域,年龄,备注\n${rows.map((r) => [r.xm, r.sfzh, r.qy, r.nl, r.bz].join(',')).join('\n')}\n`;

export async function openDataCity(driver: TestDriver): Promise<OpenCity> {
  const c = await openCity(driver);
  const ok = (r: LightMyRequestResponse, status = 200) => assert.equal(r.statusCode, status, r.body);
  const people = async (as: Auth, dept: string, code: string, extra: Record<string, unknown>, rows = PEOPLE) => {
    await c.register(as, dept, code, PEOPLE_FIELDS, { description: `${code} 的人员名单`, ...extra });
    const r = await c.upload(as, code, 'p.csv', CSV(rows));
    assert.equal(r.json().status, 'succeeded', r.body);
  };
  await people(c.officers.GA, 'GA', 'GA_RK', { name: '常住人口名单', theme: '人口', keywords: ['人口', '户籍'], openType: 'open', shareType: 'unconditional', updateCycle: '每月', category: 'base', layer: 'base' });
  await people(c.officers.GA, 'GA', 'GA_COND', { name: '重点人群名单', theme: '人口', keywords: ['人口'], openType: 'conditional', licence: 'CC0-1.0' });
  await people(c.officers.GA, 'GA', 'GA_INNER', { name: '内部人口底册', theme: '人口', keywords: ['内部'], openType: 'none' });
  await people(c.officers.GA, 'GA', 'GA_DRAFT', { name: '草稿数据集', theme: '人口', keywords: ['草稿'], openType: 'open', draft: true });
  await people(c.officers.MZ, 'MZ', 'MZ_DB', { name: '低保救助对象', theme: '民生', keywords: ['救助', '低保'], openType: 'open', shareType: 'unconditional' }, PEOPLE.slice(0, 3));

  const t = await c.req('POST', '/tokens', c.officers.GA, { name: 'ckan client' });
  ok(t, 201);
  const k = await c.app.inject({ method: 'POST', url: '/api/v1/open/keys', payload: { name: '开发者', email: 'dev@example.com', purpose: '研究', acceptTerms: true } });
  ok(k, 201);
  ok(await c.req('POST', `/open-keys/${k.json().id}/approve`, c.admin, {}));

  const answers: OpenCity['answers'] = [];
  return {
    ...c, gaToken: t.json().token, openKey: k.json().key, answers,
    async ckan(method, action, params = {}, headers = {}, prefix = '/api/3/action') {
      const qs = new URLSearchParams(Object.entries(params).map(([key, v]) => [key, typeof v === 'string' ? v : JSON.stringify(v)])).toString();
      const url = `${prefix}/${action}${method === 'GET' && qs ? `?${qs}` : ''}`;
      const r = await c.app.inject({ method, url, headers, ...(method === 'POST' ? { payload: params } : {}) });
      answers.push({ asked: `${method} ${url} ${method === 'POST' ? JSON.stringify(params) : ''}`, body: r.body });
      return r;
    },
  };
}
