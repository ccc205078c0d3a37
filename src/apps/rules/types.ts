/**
 * Rules (规则): one definition for the three ways pooled data is put to work — collision rules
 * (碰: cross-checks whose rows are findings), push rules (推: whose rows are citizens or enterprises
 * to tell about a service) and embedded rules (嵌: either kind, fired by the arrival of a new version
 * of a dataset it watches). A rule reads only through the share guard, as its owner department.
 */
import type { RowFilter } from '../../share/index.ts';

export type RuleKind = 'collide' | 'push';
export type RuleTrigger = 'manual' | 'schedule' | 'arrival';

/** One side of a builder query: a dataset (by code), optionally filtered. */
export interface Side {
  dataset: string;
  where?: RowFilter;
  /** Derived conditions relative to the rule's as-of date. */
  age?: { field: string; gte?: number; lt?: number; at?: string /* MM-DD in the as-of year; default the as-of date itself */ };
  recent?: { field: string; days: number };
}

/** The common shapes, built without SQL. */
export interface BuilderQuery {
  mode: 'builder';
  /**
   * filter:    rows of A (with a.where / age / recent)
   * anti:      rows of A with no row of B on the join keys (A not in B)
   * semi:      rows of A with a row of B on the join keys (A in B)
   * disagree:  A joined to B on the keys where some compared field differs
   * threshold: A grouped by `threshold.groupBy`, groups whose count (or sum of a field) passes the limit
   */
  shape: 'filter' | 'anti' | 'semi' | 'disagree' | 'threshold';
  a: Side;
  b?: Side;
  on?: Array<{ a: string; b: string }>;
  /** disagree: pairs of fields that should agree (a row is a finding when any differs, nulls count as different from a value). */
  compare?: Array<{ a: string; b: string }>;
  /** Time window between the two sides (semi/disagree): B's date after (or before) A's, optionally within N days. */
  window?: { a: string; b: string; op: 'after' | 'before'; days?: number };
  threshold?: { groupBy: string[]; measure: 'count' | 'sum'; field?: string; op: '>' | '>='; value: number };
  /** Output columns of A (default: all A's readable fields); for semi/disagree also `b.<field>` names. */
  fields?: string[];
}

/** Guarded SQL: one SELECT over dataset codes (as analyst SQL); `{{as_of}}` is the rule's as-of date. */
export interface SqlQuery {
  mode: 'sql';
  sql: string;
}

export type RuleQuery = BuilderQuery | SqlQuery;

/** What a rule does with its rows. */
export interface RuleAction {
  /** collide: open a work order per new finding for the responsible department (default true). */
  workOrder?: boolean;
  /** Call this webhook (an allowed host) with a signed body for each new finding / notice. */
  webhook?: string | null;
  /** push: notice text; `{{field}}` takes a column of the row. */
  notice?: { title: string; body: string; channel?: 'inbox' | 'sms' | 'webhook' };
  /** push: 免申即享 — granted without application once the department's second check passes. */
  grantWithoutApplication?: boolean;
  /** Work order priority and time limit. */
  priority?: 'normal' | 'urgent';
  workingDays?: number;
}

export interface RuleInput {
  code: string;
  name: string;
  description?: string;
  kind: RuleKind;
  query: RuleQuery;
  /** Columns of the output that identify one finding / one notice event (dedup across runs). */
  key: string[];
  /** push: the output column holding the person's ID number (or enterprise's USCC) the notice is for. */
  subject?: { field: string; kind: 'person' | 'enterprise' };
  /** The department the rule reads as (its grants), and the department that must act. */
  ownerDepartment: string; // department code
  responsibleDepartment: string; // department code
  trigger: RuleTrigger;
  /** trigger=schedule: a cron expression (Asia/Shanghai). */
  schedule?: string | null;
  /** The evaluation date for ages and windows (YYYY-MM-DD); null = today (Asia/Shanghai). */
  asOf?: string | null;
  action?: RuleAction;
  enabled?: boolean;
}

export interface Rule extends Omit<RuleInput, 'ownerDepartment' | 'responsibleDepartment'> {
  id: string;
  ownerDepartment: { id: string; code: string; name: string };
  responsibleDepartment: { id: string; code: string; name: string };
  /** Dataset codes the query reads (arrival rules watch these). */
  watches: string[];
  enabled: boolean;
  createdAt: string;
  updatedAt: string;
  lastRun: RuleRunSummary | null;
}

/** One evaluated row. */
export interface RuleRow {
  /** Stable hash of the key values (the dedup key). */
  key: string;
  /** The key columns' values. */
  keyValues: Record<string, unknown>;
  /** The (first) row as the owner department reads it through the guard (masks applied). */
  row: Record<string, unknown>;
  /** Every row with this key, up to EVIDENCE_ROWS_MAX (the evidence). */
  rows: Record<string, unknown>[];
  /** Keyed pseudonym of the subject (push rules with `subject`), for the citizen's inbox. */
  subject?: string | null;
}

/** The run an outcome handler is applying. */
export interface RunInfo {
  id: string;
  ruleId: string;
  trigger: RuleTrigger | 'dry';
  /** The dataset versions the rows came from: code → version. */
  versions: Record<string, number>;
  at: Date;
}

export interface RuleRunSummary {
  id: string;
  trigger: RuleTrigger;
  status: 'running' | 'done' | 'failed';
  startedAt: string;
  finishedAt: string | null;
  rows: number;
  /** Counts the outcome handler reported (collide: new, recurring, unchanged, resolved; push: candidates, …). */
  counts: Record<string, number>;
  versions: Record<string, number>;
  error: string | null;
}

/**
 * What a kind of rule does with an evaluation's rows (collide: findings and work orders; push:
 * notice candidates). Registered once per kind (`registerOutcome`); a dry run never reaches it.
 * `complete` is false when the rows were cut at the row cap (nothing may be resolved for absence).
 */
export interface OutcomeHandler {
  kind: RuleKind;
  apply(ctx: import('../../kernel/index.ts').Ctx, rule: Rule, run: RunInfo, rows: RuleRow[], complete: boolean): Promise<Record<string, number>>;
}
