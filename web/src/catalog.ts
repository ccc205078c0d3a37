// Helpers shared by the catalog pages of the console (资源目录, 审核队列) and the open-data portal.
import { computed, ref, shallowRef, watch } from 'vue';
import { useRoute, useRouter } from 'vue-router';
import { ElMessageBox } from 'element-plus';
import { api } from './api.ts';
import { t } from './i18n/index.ts';
import { labelOf } from './ingest.ts';
import { FACETS, type EntryStatus, type Facet, type FacetCount, type SearchResult } from './types.ts';

type TagType = 'success' | 'warning' | 'info' | 'danger' | 'primary';
export const STATUS_TAG: Record<EntryStatus, TagType> = { draft: 'info', submitted: 'warning', published: 'success', returned: 'danger' };
export const SHARE_TAG: Record<string, TagType> = { unconditional: 'success', conditional: 'warning', none: 'info' };
export const OPEN_TAG: Record<string, TagType> = { open: 'success', conditional: 'warning', none: 'info' };

/** The i18n group naming each coded facet's values; department and theme are names already. */
const FACET_GROUP: Partial<Record<Facet, string>> = {
  layer: 'layers', category: 'categories', shareType: 'shareTypes', openType: 'openTypes', resourceFormat: 'resourceFormats', updateCycle: 'cycles', status: 'entryStatus',
};
/** A facet value as people read it. */
export function facetLabel(facet: Facet, c: FacetCount): string {
  const group = FACET_GROUP[facet];
  return group ? labelOf(group, c.value) : c.label || c.value;
}
/** Whether the value's words come from the data (a department's, a theme's name): not translated. */
export const facetIsData = (facet: Facet) => !FACET_GROUP[facet];

/** The query parameter of a facet filter. */
const param = (f: Facet) => (f === 'resourceFormat' ? 'format' : f);
export type Filters = Partial<Record<Facet, string[]>>;

/**
 * A catalog search (console: `/catalog/search`, portal: `/open/search`) whose words, filters, sort
 * and page live in the route query, so a search can be linked to and the back button works.
 */
export function useCatalogSearch<T>(path: string, pageSize = 10) {
  const route = useRoute();
  const router = useRouter();
  const q = ref('');
  const filters = ref<Filters>({});
  const sort = ref<'relevance' | 'updated' | 'name'>('relevance');
  const page = ref(1);
  const result = shallowRef<SearchResult<T> | null>(null);
  const loading = ref(false);
  const failed = ref(false);
  let seq = 0;

  function fromRoute() {
    const s = (k: string) => (typeof route.query[k] === 'string' ? (route.query[k] as string) : '');
    q.value = s('q');
    filters.value = Object.fromEntries(FACETS.map((f) => [f, s(param(f)).split(',').filter(Boolean)]).filter(([, v]) => v.length));
    sort.value = (['updated', 'name'].includes(s('sort')) ? s('sort') : 'relevance') as typeof sort.value;
    page.value = Math.max(1, Number(s('page')) || 1);
  }
  async function load() {
    const mine = ++seq;
    loading.value = true;
    const query: Record<string, string | number> = { limit: pageSize, offset: (page.value - 1) * pageSize };
    if (q.value.trim()) query.q = q.value.trim();
    if (sort.value !== 'relevance') query.sort = sort.value;
    for (const [f, v] of Object.entries(filters.value)) if (v?.length) query[param(f as Facet)] = v.join(',');
    try {
      const r = await api.get<SearchResult<T>>(path, query, { quiet: true });
      if (mine === seq) { result.value = r; failed.value = false; }
    } catch {
      if (mine === seq) { result.value = null; failed.value = true; }
    } finally {
      if (mine === seq) loading.value = false;
    }
  }
  /** Write the search into the route (which loads it). `keepPage`: a page change; otherwise back to page 1. */
  function go(keepPage = false) {
    if (!keepPage) page.value = 1;
    const query: Record<string, string> = {};
    if (q.value.trim()) query.q = q.value.trim();
    for (const [f, v] of Object.entries(filters.value)) if (v?.length) query[param(f as Facet)] = v.join(',');
    if (sort.value !== 'relevance') query.sort = sort.value;
    if (page.value > 1) query.page = String(page.value);
    void router.push({ path: route.path, query });
  }
  function clearFilters() {
    filters.value = {};
    go();
  }
  const hasFilters = computed(() => Object.values(filters.value).some((v) => v?.length));
  watch(() => route.fullPath, () => {
    fromRoute();
    void load();
  }, { immediate: true });
  return { q, filters, sort, page, pageSize, result, loading, failed, go, clearFilters, hasFilters };
}

/** Ask for a reason (returning an entry, rejecting a key …); null when the dialog is cancelled. */
export async function askReason(title: string, required = true): Promise<string | null> {
  try {
    const { value } = await ElMessageBox.prompt(t('review.reasonPlaceholder'), title, {
      inputType: 'textarea',
      confirmButtonText: t('common.confirm'),
      cancelButtonText: t('common.cancel'),
      inputValidator: (v) => !required || !!v?.trim() || t('common.required'),
      customClass: 'reason-box',
    });
    return (value ?? '').trim();
  } catch {
    return null;
  }
}

/** Ask to confirm; false when cancelled. */
export async function confirmed(message: string): Promise<boolean> {
  try {
    await ElMessageBox.confirm(message, t('common.confirmTitle'), { confirmButtonText: t('common.confirm'), cancelButtonText: t('common.cancel'), type: 'warning' });
    return true;
  } catch {
    return false;
  }
}
