import { currentLocale } from './i18n/index.ts';

const TZ = 'Asia/Shanghai';
const formatter = new Intl.DateTimeFormat('en-GB', {
  timeZone: TZ, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false,
});

/** UTC ISO time from the API, shown in Beijing time as YYYY-MM-DD HH:mm:ss. */
export function fmtTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return String(iso);
  const p = Object.fromEntries(formatter.formatToParts(d).map((x) => [x.type, x.value]));
  const hour = p.hour === '24' ? '00' : p.hour;
  return `${p.year}-${p.month}-${p.day} ${hour}:${p.minute}:${p.second}`;
}

export function fmtNumber(n: number | null | undefined): string {
  if (n === null || n === undefined || Number.isNaN(n)) return '—';
  return new Intl.NumberFormat(currentLocale()).format(n);
}

/** Short form of a long hash or id for tables. */
export function shortHash(h: string | null | undefined, n = 12): string {
  if (!h) return '—';
  return h.length > n ? `${h.slice(0, n)}…` : h;
}
