import { datasetByCode } from '../catalog/index.ts';
import { type Caller, type Ctx } from '../kernel/index.ts';
import { dataRead, shareRequests } from '../share/index.ts';

const inDays = (n: number) => new Date(Date.now() + n * 86_400_000).toISOString();

/**
 * Sharing in the demo city, so every page has something to show: a conditional request approved
 * with a reason (民政 reads 公安's residents to check allowance cases, the ID number in clear by the
 * owner's decision), one pending, one filed three weeks ago and now overdue, one rejected, an
 * unconditional one granted on request, and reads under the grants — one of them of the demo
 * citizen's own rows, so "who used my data" has an entry. Returns the ID number the citizen account
 * links to (the first registered resident), or null when the city is too small to have one.
 */
export async function demoSharing(ctx: Ctx, officers: Map<string, Caller>): Promise<string | null> {
  const as = (code: string) => officers.get(code)!;
  const has = async (code: string) => !!(await datasetByCode(ctx.db, code))?.currentVersion;
  if (!(await has('GA_HJRK')) || !officers.has('MZ')) return null;
  if (await ctx.db.one('SELECT 1 FROM share_requests LIMIT 1')) return null; // loaded before

  const approved = await shareRequests.create(ctx, as('MZ'), {
    dataset: 'GA_HJRK', purpose: '最低生活保障对象户籍核对（低保审核）', fields: ['gmsfhm', 'xm', 'xb', 'csrq', 'hh', 'yhzgx', 'hjdz'], validUntil: inDays(365),
  });
  await shareRequests.approve(ctx, as('GA'), approved.id, {
    reason: '依据《社会救助暂行办法》核对低保申请人户籍；身份证号明文用于与低保名册比对', masks: { gmsfhm: 'none' }, rowsPerDay: 50_000,
  });
  if (await has('MZ_DBJZ') && officers.has('RS')) {
    await shareRequests.create(ctx, as('RS'), { dataset: 'MZ_DBJZ', purpose: '低保对象参保费用减免核对', fields: ['jzdxbh', 'gmsfhm', 'xm', 'jtrks', 'bzje'], validUntil: inDays(180) }).catch(() => null);
  }
  if (await has('RS_SBCB') && officers.has('YB')) {
    const late = await shareRequests.create(ctx, as('YB'), { dataset: 'RS_SBCB', purpose: '医保与社保参保信息比对，查找漏保人员', fields: ['gmsfhm', 'xm', 'cbxz', 'cbzt'], validUntil: inDays(365) }).catch(() => null);
    // filed three weeks ago and not yet decided: the overdue list has one entry
    if (late) await ctx.db.query(`UPDATE share_requests SET created_at = now() - interval '21 days', due_at = now() - interval '5 days' WHERE id = $1`, [late.id]);
  }
  if (await has('WJ_CSYX') && officers.has('JY')) {
    const no = await shareRequests.create(ctx, as('JY'), { dataset: 'WJ_CSYX', purpose: '新生儿信息用于学位预测', fields: ['cszbh', 'xsexm', 'cstz', 'csdd'], validUntil: inDays(365) }).catch(() => null);
    if (no) await shareRequests.reject(ctx, as('WJ'), no.id, '学位预测只需出生人数统计，请改用统计口径数据，不予提供个人明细');
  }
  if (await has('SC_QYDJ') && officers.has('SW')) {
    await shareRequests.create(ctx, as('SW'), { dataset: 'SC_QYDJ', purpose: '新设立企业税务登记提醒', fields: ['tyshxydm', 'qymc', 'qylx', 'clrq'], validUntil: inDays(365) }).catch(() => null);
  }

  // reads under 民政's grant: a page, and a lookup of one resident by ID number (the demo citizen)
  const ds = (await datasetByCode(ctx.db, 'GA_HJRK'))!;
  const page = await dataRead(ctx, as('MZ'), ds, { limit: 20, fields: ['gmsfhm', 'xm', 'hjdz'] });
  const idNumber = (page.body?.rows[0]?.gmsfhm as string | undefined) ?? null;
  if (idNumber) await dataRead(ctx, as('MZ'), ds, { filter: { gmsfhm: { eq: idNumber } }, fields: ['gmsfhm', 'xm', 'hh', 'yhzgx'] });
  return idNumber;
}
