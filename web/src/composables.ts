import { onBeforeUnmount, ref, shallowRef, type Ref, type ShallowRef } from 'vue';
import type { PageResult } from './api.ts';

export interface Paged<T> {
  items: ShallowRef<T[]>;
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
  return { items, total, page, size, loading, reload, search };
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
