import { tsvField } from '../db/tsv.ts';

/** One reading: a row of the time-series dataset, as written to the journal. */
export interface SensorRow {
  device: string | null;
  metric: string | null;
  /** A number, or the text that should have been one (the ingest quarantines it: rule `type`). */
  value: number | string | null;
  /** UTC `YYYY-MM-DD HH:MM:SS.mmm`, or the text that should have been a time (quarantined). */
  time: string | null;
  /** The message as received (UTF-8 text, at most MAX_PAYLOAD characters). */
  payload: string;
}

export const MAX_PAYLOAD = 8192;

/** A reading's journal line (TSV in the order of the dataset's fields, with its line break): tsvLine without the generality. */
export function journalLine(r: SensorRow): string {
  const value = typeof r.value === 'number' ? String(r.value) : tsvField(r.value ?? '');
  return `${tsvField(r.device ?? '')}\t${tsvField(r.metric ?? '')}\t${value}\t${tsvField(r.time ?? '')}\t${tsvField(r.payload)}\n`;
}

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const ZONED = /(Z|[+-]\d{2}:?\d{2})$/i;
const DEVICE_KEYS = ['device', 'deviceId', 'device_id', 'dev', 'sn'];
const METRIC_KEYS = ['metric', 'name', 'type'];
const TIME_KEYS = ['time', 'ts', 'timestamp', 't'];
const RESERVED = new Set([...DEVICE_KEYS, ...METRIC_KEYS, ...TIME_KEYS, 'value', 'unit']);

let utcSecond = NaN;
let utcPrefix = '';

/** UTC `YYYY-MM-DD HH:MM:SS.mmm` (readings come in time order: the text up to the second is reused). */
function utc(time: number): string {
  const ms = Math.floor(time);
  const second = Math.floor(ms / 1000);
  if (second !== utcSecond) {
    const iso = new Date(second * 1000).toISOString();
    utcSecond = second;
    utcPrefix = `${iso.slice(0, 10)} ${iso.slice(11, 19)}.`;
  }
  const milli = ms - second * 1000;
  return utcPrefix + (milli < 10 ? `00${milli}` : milli < 100 ? `0${milli}` : String(milli));
}

/** A time from a number (epoch seconds or milliseconds) or text (with a zone: converted to UTC; without: taken as UTC). */
export function sensorTime(v: unknown, receivedAt: number): string | null {
  if (v === undefined || v === null || v === '') return utc(receivedAt);
  if (typeof v === 'number' || (typeof v === 'string' && NUMBER.test(v.trim()))) {
    const n = Number(v);
    const ms = Math.abs(n) < 1e11 ? n * 1000 : n;
    return Number.isFinite(ms) && Math.abs(ms) <= 8.64e15 ? utc(ms) : String(v);
  }
  if (typeof v !== 'string') return JSON.stringify(v);
  const s = v.trim();
  if (ZONED.test(s)) {
    const ms = Date.parse(s);
    return Number.isNaN(ms) ? s : utc(ms);
  }
  return s;
}

type TopicParts = { device?: string; metric?: string };

/** `sensors/{device}/{metric}` → a matcher of topics to { device, metric } (results cached per topic). */
export function topicMatcher(template: string | null | undefined): (topic: string) => TopicParts {
  const parts = template ? template.split('/') : null;
  const parse = (topic: string): TopicParts => {
    const levels = topic.split('/');
    if (!parts) return { device: levels.length > 1 ? levels[levels.length - 2] : topic, metric: levels[levels.length - 1] };
    const out: TopicParts = {};
    parts.forEach((p, i) => {
      if (p === '{device}' && levels[i] !== undefined) out.device = levels[i];
      if (p === '{metric}' && levels[i] !== undefined) out.metric = levels[i];
    });
    return out;
  };
  const cache = new Map<string, TopicParts>();
  return (topic) => {
    let r = cache.get(topic);
    if (!r) {
      if (cache.size >= 50_000) cache.clear();
      cache.set(topic, (r = parse(topic)));
    }
    return r;
  };
}

function pick(o: Record<string, unknown>, keys: string[]): string | undefined {
  for (const k of keys) {
    const v = o[k];
    if (v !== undefined && v !== null && v !== '') return String(v);
  }
  return undefined;
}

/** A reading that holds the offending text as its value (the ingest quarantines it, whole message kept). */
function bad(device: string | null, metric: string | null, time: string | null, kept: string): SensorRow[] {
  return [{ device, metric, value: kept || '(empty)', time, payload: kept }];
}

function timeOf(o: Record<string, unknown>): unknown {
  for (const k of TIME_KEYS) if (o[k] !== undefined) return o[k];
  return undefined;
}

/**
 * A message → readings. Accepted forms:
 *   21.5                                       one reading; device and metric from the topic
 *   {"value": 21.5, "time": …, "device": …}    one reading; missing parts from the topic
 *   {"temp": 21.5, "hum": 40, "ts": …}         one reading per numeric property
 * Anything else (not UTF-8 JSON or a number, no numeric value, a bad time) becomes one reading
 * whose value or time holds the offending text, so the ingest's checks quarantine it with the
 * whole message kept.
 */
export function sensorRows(topic: string, payload: Buffer, receivedAt: number, match: (t: string) => TopicParts): SensorRow[] {
  const text = payload.toString('utf8');
  const kept = text.length > MAX_PAYLOAD ? text.slice(0, MAX_PAYLOAD) : text;
  const t = match(topic);
  const device0 = t.device ?? null;
  const metric0 = t.metric ?? null;
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    const trimmed = text.trim();
    if (NUMBER.test(trimmed)) return [{ device: device0, metric: metric0, value: Number(trimmed), time: utc(receivedAt), payload: kept }];
    return bad(device0, metric0, utc(receivedAt), kept);
  }
  if (typeof doc === 'number') return [{ device: device0, metric: metric0, value: doc, time: utc(receivedAt), payload: kept }];
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) return bad(device0, metric0, utc(receivedAt), kept);
  const o = doc as Record<string, unknown>;
  const device = pick(o, DEVICE_KEYS) ?? device0;
  const time = sensorTime(timeOf(o), receivedAt);
  const v = o.value;
  if (v !== undefined) {
    const value = typeof v === 'number' ? v : typeof v === 'string' ? (NUMBER.test(v.trim()) ? Number(v) : v) : JSON.stringify(v);
    return [{ device, metric: pick(o, METRIC_KEYS) ?? metric0, value, time, payload: kept }];
  }
  const rows: SensorRow[] = [];
  for (const k in o) if (typeof o[k] === 'number' && !RESERVED.has(k)) rows.push({ device, metric: k, value: o[k] as number, time, payload: kept });
  return rows.length ? rows : bad(device, metric0, time, kept);
}
