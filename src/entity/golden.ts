/**
 * The golden record (黄金记录): one value per input, chosen from the source records by survivorship
 * rules tried in order — the most trusted source, the most recent record, the most frequent value —
 * each rule narrowing the candidates until one value is left. The record the value came from is named.
 * The candidates are what the reader may see (through the share guard); values they see in clear are
 * preferred to masked ones, so a department's own records are not hidden behind another's mask.
 */
import type { EntityKind } from './kinds.ts';

export type SurvivorshipRule = 'trusted' | 'recent' | 'frequent';

/** Per kind and input, the rules in order. Contact details follow the latest record; identity the most trusted source. */
export const SURVIVORSHIP: Record<EntityKind, Record<string, SurvivorshipRule[]>> = {
  person: {
    name: ['trusted', 'frequent', 'recent'],
    id_number: ['trusted', 'frequent', 'recent'],
    sex: ['trusted', 'frequent', 'recent'],
    birth_date: ['trusted', 'frequent', 'recent'],
    phone: ['recent', 'frequent', 'trusted'],
    address: ['recent', 'trusted', 'frequent'],
  },
  enterprise: {
    name: ['trusted', 'recent', 'frequent'],
    code: ['trusted', 'frequent', 'recent'],
    legal_rep: ['recent', 'trusted', 'frequent'],
    address: ['recent', 'trusted', 'frequent'],
    established: ['trusted', 'frequent', 'recent'],
  },
};

export interface GoldenCandidate {
  rid: string;
  dataset: string;
  trust: number;
  /** When the record was last updated (ISO); null when unknown. */
  updatedAt: string | null;
  value: unknown;
  masked: boolean;
}

export interface GoldenValue {
  field: string;
  value: unknown;
  masked: boolean;
  /** The rule that settled the choice (the first that left one value), or the last tried. */
  rule: SurvivorshipRule;
  source: { dataset: string; rid: string } | null;
}

const blank = (v: unknown) => v === null || v === undefined || (typeof v === 'string' && v.trim() === '');
const key = (v: unknown) => (v instanceof Date ? v.toISOString() : String(v));

/** Keep the candidates that do best under one rule. */
function narrow(rule: SurvivorshipRule, cs: GoldenCandidate[]): GoldenCandidate[] {
  if (rule === 'trusted') {
    const top = Math.max(...cs.map((c) => c.trust));
    return cs.filter((c) => c.trust === top);
  }
  if (rule === 'recent') {
    const at = (c: GoldenCandidate) => c.updatedAt ?? '';
    const top = cs.reduce((m, c) => (at(c) > m ? at(c) : m), '');
    return cs.filter((c) => at(c) === top);
  }
  const counts = new Map<string, number>();
  for (const c of cs) counts.set(key(c.value), (counts.get(key(c.value)) ?? 0) + 1);
  const top = Math.max(...counts.values());
  return cs.filter((c) => counts.get(key(c.value)) === top);
}

/** One input's golden value from its candidates (blank values never survive). */
export function survive(field: string, rules: SurvivorshipRule[], candidates: GoldenCandidate[]): GoldenValue {
  let cs = candidates.filter((c) => !blank(c.value));
  // the record is the reader's view: a value they see in clear beats one they see only masked
  if (cs.some((c) => !c.masked)) cs = cs.filter((c) => !c.masked);
  if (!cs.length) return { field, value: null, masked: false, rule: rules[0] ?? 'trusted', source: null };
  let rule = rules[0] ?? 'trusted';
  for (const r of rules) {
    if (new Set(cs.map((c) => key(c.value))).size === 1) break;
    rule = r;
    cs = narrow(r, cs);
  }
  // still tied after every rule: the smallest record id decides, so the answer never depends on order
  const pick = [...cs].sort((a, b) => (a.rid < b.rid ? -1 : a.rid > b.rid ? 1 : 0))[0]!;
  return { field, value: pick.value, masked: pick.masked, rule, source: { dataset: pick.dataset, rid: pick.rid } };
}

/** The golden record of one entity from its visible source records' inputs. */
export function goldenRecord(kind: EntityKind, byField: Map<string, GoldenCandidate[]>): GoldenValue[] {
  return Object.entries(SURVIVORSHIP[kind]).map(([field, rules]) => survive(field, rules, byField.get(field) ?? []));
}
