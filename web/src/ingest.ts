// Helpers shared by the collect (汇) pages: permissions, labels and chart options.
import { computed } from 'vue';
import { currentLocale, i18n } from './i18n/index.ts';
import { session } from './session.ts';
import { QUALITY_DIMENSIONS, type Dataset, type ElementInfo, type ElementParamSpec, type IngestJob, type JobOutcome, type JobStatus, type QualityReport, type Scores } from './types.ts';

/** Admins edit every dataset; officers only those of their own department. */
export function canEditDataset(ds: Pick<Dataset, 'departmentId'> | null | undefined): boolean {
  const u = session.user;
  if (!u || !ds) return false;
  return u.role === 'admin' || (u.role === 'officer' && !!u.departmentId && u.departmentId === ds.departmentId);
}
export const canRegister = computed(() => session.user?.role === 'admin' || (session.user?.role === 'officer' && !!session.user.departmentId));

/** Server texts written "中文 / English": the side of the console's language. */
export function bilingual(s: string | null | undefined): string {
  if (!s) return '';
  const i = s.indexOf(' / ');
  if (i < 0) return s;
  return currentLocale() === 'en' ? s.slice(i + 3) : s.slice(0, i);
}

/** A name with its code: "户籍人口（GA_HJRK）" in Chinese, "Household register (GA_HJRK)" in English. */
export const named = (name: string, code: string): string => (currentLocale() === 'en' ? `${name} (${code})` : `${name}（${code}）`);
/** A list in running text: "姓名、性别" in Chinese, "name, sex" in English. */
export const joinList = (items: string[]): string => items.join(currentLocale() === 'en' ? ', ' : '、');

/** A translated label under `group`, or the raw value when the console has no words for it. */
export function labelOf(group: string, v: string | null | undefined): string {
  if (v === null || v === undefined || v === '') return i18n.global.t('common.none');
  if (!/^[\w-]+$/.test(v)) return v;
  const key = `${group}.${v}`;
  return i18n.global.te(key) ? i18n.global.t(key) : v;
}

export const elementTitle = (e: Pick<ElementInfo, 'title' | 'titleEn'>): string => (currentLocale() === 'en' && e.titleEn ? e.titleEn : e.title);
export const elementDescription = (e: Pick<ElementInfo, 'description' | 'descriptionEn'>): string => (currentLocale() === 'en' && e.descriptionEn ? e.descriptionEn : e.description);
export const paramTitle = (p: Pick<ElementParamSpec, 'title' | 'titleEn'>): string => (currentLocale() === 'en' && p.titleEn ? p.titleEn : p.title);

export const STATUS_TAG: Record<JobStatus, 'info' | 'primary' | 'success' | 'danger'> = { queued: 'info', running: 'primary', succeeded: 'success', failed: 'danger' };

/** A job's status as people read it (the API's `outcome`): succeeded with rejected rows is `partial`. */
export const jobOutcome = (status: JobStatus, rejected: number): JobOutcome =>
  status === 'succeeded' ? (rejected > 0 ? 'partial' : 'succeeded') : status === 'failed' ? 'failed' : 'running';
export const OUTCOME_TAG: Record<JobOutcome, 'primary' | 'success' | 'warning' | 'danger'> = { running: 'primary', succeeded: 'success', partial: 'warning', failed: 'danger' };

/** Where a job came from, in words: a connector's jobs are named `source:<name>` or `mqtt:<name>`, shown by the source's name. */
export function jobOrigin(j: Pick<IngestJob, 'origin' | 'sourceName'>): string {
  const t = i18n.global.t;
  const named = /^(?:source|mqtt):(.+)$/.exec(j.sourceName);
  if (j.origin === 'source' && named) return `${t('plain.origins.source')} · ${named[1]}`;
  return t(`plain.origins.${j.origin ?? 'upload'}`);
}

/** Formats the upload wizard accepts, by file extension. */
export const FILE_EXTENSIONS = ['.csv', '.tsv', '.txt', '.xlsx', '.json', '.ndjson', '.jsonl', '.parquet'];
export const ENCODINGS = ['utf-8', 'utf-8-bom', 'gbk', 'gb18030', 'utf-16le', 'utf-16be'];
export const FORMATS = ['csv', 'tsv', 'xlsx', 'json', 'ndjson', 'parquet'];
export const MODES = ['append', 'upsert', 'replace'] as const;

export function fmtScore(n: number | null | undefined): string {
  if (n === null || n === undefined || Number.isNaN(n)) return i18n.global.t('quality.notApplicable');
  return n.toFixed(n % 1 === 0 ? 0 : 2);
}

export function scoreColor(n: number | null | undefined): string {
  if (n === null || n === undefined) return 'var(--el-text-color-secondary)';
  if (n >= 95) return '#2e7d32';
  if (n >= 80) return '#c77700';
  return '#c62828';
}

/**
 * ECharts radar of the GB/T 36344 dimensions. A dimension that does not apply (no reference rule,
 * no key, no update cycle) has no score: drawing it as 0 would read as a failure, so the radar
 * shows the dimensions that apply (all six when fewer than three do) and the rest are listed as n/a.
 */
export function radarOption(scores: Scores) {
  const t = i18n.global.t;
  const applicable = QUALITY_DIMENSIONS.filter((d) => scores[d] !== null && scores[d] !== undefined);
  const dims = applicable.length >= 3 ? applicable : QUALITY_DIMENSIONS;
  return {
    color: ['#1d4f91'],
    tooltip: { trigger: 'item' },
    radar: {
      radius: '62%',
      center: ['50%', '54%'],
      indicator: dims.map((d) => ({ name: t(`quality.dims.${d}`), max: 100, min: 0 })),
      axisName: { color: '#333', fontSize: 13 },
      splitArea: { areaStyle: { color: ['#f7f9fc', '#eef3fa'] } },
    },
    series: [{
      type: 'radar',
      name: t('quality.score'),
      areaStyle: { opacity: 0.25 },
      symbolSize: 6,
      label: { show: true, fontSize: 11, formatter: (p: { value: number | string }) => (typeof p.value === 'number' ? String(p.value) : '') },
      data: [{ name: t('quality.score'), value: dims.map((d) => scores[d] ?? 0) }],
    }],
  };
}

/** Dimensions without a score, for the note under the radar. */
export const notApplicable = (scores: Scores) => QUALITY_DIMENSIONS.filter((d) => scores[d] === null || scores[d] === undefined);

/** Stacked bar of failures by field and rule. */
export function failureBarOption(q: QualityReport) {
  const t = i18n.global.t;
  const fields = q.fields.filter((f) => Object.values(f.failures).some((n) => n > 0));
  const rules = [...new Set(fields.flatMap((f) => Object.keys(f.failures).filter((r) => f.failures[r] > 0)))];
  const bars = fields.map((f) => f.title || f.field);
  // failures that belong to no field (parse errors) get their own bar
  const fieldTotals: Record<string, number> = {};
  for (const f of q.fields) for (const [r, n] of Object.entries(f.failures)) fieldTotals[r] = (fieldTotals[r] ?? 0) + n;
  const rowLevel = Object.entries(q.failures).filter(([r, n]) => n > (fieldTotals[r] ?? 0));
  if (rowLevel.length) bars.push(t('quality.wholeRow'));
  for (const [r] of rowLevel) if (!rules.includes(r)) rules.push(r);
  const palette = ['#c62828', '#ef6c00', '#f9a825', '#6a1b9a', '#1565c0', '#00838f', '#2e7d32', '#5d4037', '#455a64', '#ad1457'];
  return {
    color: palette,
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    legend: { top: 0, type: 'scroll' },
    grid: { left: 8, right: 24, top: 36, bottom: 8, containLabel: true },
    xAxis: { type: 'category', data: bars, axisLabel: { interval: 0, rotate: bars.length > 6 ? 30 : 0 } },
    yAxis: { type: 'value', minInterval: 1 },
    series: rules.map((r) => ({
      name: labelOf('rules', r),
      type: 'bar',
      stack: 'fail',
      barMaxWidth: 48,
      data: [
        ...fields.map((f) => f.failures[r] ?? 0),
        ...(rowLevel.length ? [Math.max(0, (q.failures[r] ?? 0) - (fieldTotals[r] ?? 0))] : []),
      ],
    })),
  };
}

export const hasFailures = (q: QualityReport | null | undefined): boolean => !!q && Object.values(q.failures ?? {}).some((n) => n > 0);

/** Where a running job is, as people read it: "读取、清洗与校验 32%" (`read:xlsx` is the `read` stage). */
export function jobStage(p: { stage: string; percent: number }): string {
  return `${labelOf('upload.stages', p.stage.split(':')[0])} ${Math.round(p.percent)}%`;
}
