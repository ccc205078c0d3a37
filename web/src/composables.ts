import { onBeforeUnmount, reactive, ref, shallowRef, type Ref, type ShallowRef } from 'vue';
import { ElMessage } from 'element-plus';
import { useRoute, useRouter } from 'vue-router';
import { api, useFieldErrors, type PageResult } from './api.ts';

export interface Paged<T> {
  items: ShallowRef<T[]>;
  /** The last page as the server answered it (with any fields beyond items and total). */
  last: ShallowRef<PageResult<T> | null>;
  total: Ref<number>;
  page: Ref<number>;
  size: Ref<number>;
  loading: Ref<boolean>;
  reload: () => Promise<void>;
  /** Back to page 1 and reload (after a filter change). */
  search: () => Promise<void>;
}

/** A paged table over a list endpoint answering {items,total,limit,offset}. */
export function usePaged<T>(load: (limit: number, offset: number) => Promise<PageResult<T>>, pageSize = 20): Paged<T> {
  const items = shallowRef<T[]>([]);
  const last = shallowRef<PageResult<T> | null>(null);
  const total = ref(0);
  const page = ref(1);
  const size = ref(pageSize);
  const loading = ref(false);
  let seq = 0;
  async function reload() {
    const mine = ++seq;
    loading.value = true;
    try {
      const res = await load(size.value, (page.value - 1) * size.value);
      if (mine !== seq) return;
      items.value = res.items;
      last.value = res;
      total.value = res.total;
    } catch {
      if (mine === seq) items.value = [];
    } finally {
      if (mine === seq) loading.value = false;
    }
  }
  async function search() {
    page.value = 1;
    await reload();
  }
  return { items, last, total, page, size, loading, reload, search };
}

/**
 * List filters kept in the route query (`?dataset=…&status=…`), so a filtered list can be linked to.
 * `syncQuery()` writes the set ones back after a change.
 */
export function useQueryFilters<K extends string>(...keys: K[]): Record<K, Ref<string | null>> & { syncQuery: () => void } {
  const route = useRoute();
  const router = useRouter();
  const filters = Object.fromEntries(keys.map((k) => [k, ref<string | null>((route.query[k] as string) || null)])) as Record<K, Ref<string | null>>;
  function syncQuery() {
    void router.replace({ query: Object.fromEntries(keys.filter((k) => filters[k].value).map((k) => [k, filters[k].value as string])) });
  }
  return { ...filters, syncQuery };
}

/**
 * A paged list filtered by `status`, the filter kept in the route query (the review queue, key applications).
 * `filter()` after the status changes.
 */
export function useStatusList<T>(path: string) {
  const { status, syncQuery } = useQueryFilters('status');
  const list = usePaged<T>((limit, offset) => api.get<PageResult<T>>(path, { limit, offset, status: status.value }));
  void list.reload();
  function filter() {
    syncQuery();
    void list.search();
  }
  return { status, list, filter };
}

/**
 * The state and flow of a create/edit dialog (shown with `<FormDialog>`, which validates the form):
 * open it blank or on an item, send the form, close, then `done` (a reload); the server's field
 * errors land on the form items through `fe`.
 */
export function useFormDialog<F extends object, T = never>(opts: {
  /** A blank form. */
  empty: () => F;
  /** The form for editing `item`. */
  fill?: (item: T) => F;
  /** Send the form (and say so); a throw keeps the dialog open. */
  submit: (form: F, editing: T | null) => Promise<unknown>;
  /** After a successful submit, once the dialog is closed. */
  done?: () => unknown;
}) {
  const open = ref(false);
  const editing = shallowRef<T | null>(null);
  const saving = ref(false);
  const fe = useFieldErrors();
  const form = reactive(opts.empty()) as F;
  function show(item: T | null) {
    editing.value = item;
    Object.assign(form, item === null || !opts.fill ? opts.empty() : opts.fill(item));
    fe.clear();
    open.value = true;
  }
  async function save() {
    saving.value = true;
    try {
      await opts.submit(form, editing.value);
      open.value = false;
      await opts.done?.();
    } catch (e) {
      fe.apply(e);
    } finally {
      saving.value = false;
    }
  }
  return { open, editing, saving, form, fe, save, openCreate: () => show(null), openEdit: (item: T) => show(item) };
}

/** Copy text; falls back to a hidden textarea where the Clipboard API is unavailable (plain http on an intranet). */
export async function copyText(text: string): Promise<boolean> {
  try {
    if (navigator.clipboard && window.isSecureContext) {
      await navigator.clipboard.writeText(text);
      return true;
    }
  } catch { /* fall back */ }
  const ta = document.createElement('textarea');
  ta.value = text;
  ta.setAttribute('readonly', '');
  ta.style.position = 'fixed';
  ta.style.opacity = '0';
  document.body.appendChild(ta);
  ta.select();
  let ok = false;
  try { ok = document.execCommand('copy'); } catch { ok = false; }
  ta.remove();
  return ok;
}

/**
 * Call `fn` every `ms` while `active()` holds (checked after each call); stops with the component.
 * Used to follow running jobs.
 */
export function usePoll(fn: () => Promise<void>, active: () => boolean, ms = 2000) {
  let timer: ReturnType<typeof setTimeout> | null = null;
  let stopped = false;
  function schedule() {
    if (timer || stopped || !active()) return;
    timer = setTimeout(async () => {
      timer = null;
      if (stopped) return;
      try { await fn(); } catch { /* next round */ }
      schedule();
    }, ms);
  }
  function stop() {
    stopped = true;
    if (timer) clearTimeout(timer);
    timer = null;
  }
  onBeforeUnmount(stop);
  return { schedule, stop };
}

/**
 * A button's (or a row's) request in flight: `busy` holds the key of the one working (for its
 * spinner), `run` takes the request, shows `done(result)` as the success message and then runs
 * `after(result)` (reload a list, close a drawer). A failure's message the api helper has shown already.
 */
export function useBusy<K extends string>() {
  const busy = ref<K | null>(null) as Ref<K | null>;
  async function run<T>(key: K, act: () => Promise<T>, done: (result: T) => string, after?: (result: T) => unknown): Promise<void> {
    busy.value = key;
    try {
      const result = await act();
      ElMessage.success(done(result));
      await after?.(result);
    } catch { /* message shown */ } finally {
      busy.value = null;
    }
  }
  return { busy, run };
}
