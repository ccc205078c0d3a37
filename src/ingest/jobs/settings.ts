import { datasetByCode, datasets, type Dataset } from '../../catalog/index.ts';
import { type Caller, type Ctx, problem, type FieldError, requireRole, requireSameDepartment } from '../../kernel/index.ts';
import type { Queryable } from '../../control/index.ts';
import { referenceAccess } from '../../share/index.ts';
import { cleaningRules, type CleaningRuleInfo } from '../pipeline/cleaning.ts';
import { MAX_CODE_MAP } from '../limits.ts';
import { checkFieldRules } from '../pipeline/rules.ts';
import type { CleaningSettings, FieldRules, IngestSettings, RuleSettings } from '../types.ts';

const parse = <T>(v: unknown, d: T): T => (typeof v === 'string' ? (JSON.parse(v) as T) : ((v as T) ?? d));

export async function loadSettings(q: Queryable, datasetId: string): Promise<IngestSettings> {
  const r = await q.one<{ cleaning: unknown; rules: unknown }>('SELECT cleaning, rules FROM ingest_settings WHERE dataset_id = $1', [datasetId]);
  return { cleaning: parse<CleaningSettings>(r?.cleaning, {}), rules: parse<RuleSettings>(r?.rules, {}) };
}

/**
 * Check settings against the dataset: known fields, valid rules (regular expressions the engine can
 * compile), existing referenced datasets and keys — and the right to reference them: the dataset's
 * department must be entitled to read the other dataset's key fields in clear (share guard).
 */
export async function checkSettings(ctx: Ctx, ds: Dataset, s: Partial<IngestSettings>): Promise<void> {
  const q = ctx.db;
  const errors: FieldError[] = [];
  const names = new Set(ds.fields.map((f) => f.name));
  for (const [name, c] of Object.entries(s.cleaning ?? {})) {
    if (!names.has(name)) errors.push({ field: `cleaning.${name}`, message: 'no such field' });
    if (c?.codeMap && Object.keys(c.codeMap).length > MAX_CODE_MAP) errors.push({ field: `cleaning.${name}.codeMap`, message: `more than ${MAX_CODE_MAP} entries` });
  }
  for (const [name, r] of Object.entries(s.rules?.fields ?? {})) {
    const f = ds.fields.find((x) => x.name === name);
    if (!f) {
      errors.push({ field: `rules.fields.${name}`, message: 'no such field' });
      continue;
    }
    try {
      checkFieldRules(f, r);
      const bad = r.pattern ? await ctx.lake.regexError(r.pattern) : null;
      if (bad) errors.push({ field: `rules.fields.${name}.pattern`, message: `正则表达式无法编译（RE2）/ the regular expression does not compile (RE2): ${bad}` });
    } catch (err) {
      errors.push(...((err as { errors?: FieldError[] }).errors ?? [{ field: `rules.fields.${name}`, message: (err as Error).message }]));
    }
  }
  (s.rules?.unique ?? []).forEach((k, i) => {
    if (!names.has(k)) errors.push({ field: `rules.unique.${i}`, message: `no field ${k}` });
  });
  let forbidden: Error | undefined;
  for (const [i, ref] of (s.rules?.references ?? []).entries()) {
    ref.fields.forEach((k) => {
      if (!names.has(k)) errors.push({ field: `rules.references.${i}.fields`, message: `no field ${k}` });
    });
    const other = await datasetByCode(q, ref.dataset);
    if (!other) {
      errors.push({ field: `rules.references.${i}.dataset`, message: `no dataset ${ref.dataset}` });
      continue;
    }
    const key = ref.key?.length ? ref.key : other.primaryKey;
    if (!key.length) errors.push({ field: `rules.references.${i}.key`, message: `dataset ${ref.dataset} has no primary key; name the key fields` });
    else if (key.length !== ref.fields.length) errors.push({ field: `rules.references.${i}.key`, message: 'key and fields differ in length' });
    key.forEach((k) => {
      if (!other.fields.some((f) => f.name === k)) errors.push({ field: `rules.references.${i}.key`, message: `dataset ${ref.dataset} has no field ${k}` });
    });
    forbidden ??= await refused(() => referenceAccess(ctx.db, ds, other, key, `rules.references.${i}`));
  }
  if (errors.length) throw problem('validation', errors.map((e) => `${e.field}: ${e.message}`).join('; '), errors);
  if (forbidden) throw forbidden;
}

/** The error `fn` throws, if any. */
async function refused(fn: () => Promise<unknown>): Promise<Error | undefined> {
  try {
    await fn();
    return undefined;
  } catch (err) {
    return err as Error;
  }
}

/** What the console shows per field: each cleaning rule with its state, and the validation rules. */
export interface FieldSettingsView {
  field: string;
  title: string;
  type: string;
  element: string | null;
  required: boolean;
  cleaning: CleaningRuleInfo[];
  codeMap: Record<string, string> | null;
  rules: FieldRules;
}

export interface SettingsView {
  dataset: string;
  fields: FieldSettingsView[];
  unique: string[];
  references: RuleSettings['references'];
  saved: IngestSettings;
}

function view(ds: Dataset, s: IngestSettings): SettingsView {
  const pk = new Set(ds.primaryKey);
  return {
    dataset: ds.code,
    fields: ds.fields.map((f) => {
      const c = cleaningRules(f, s.cleaning[f.name]);
      return {
        field: f.name, title: f.title, type: f.type, element: f.element ?? null, required: !!f.required || pk.has(f.name),
        cleaning: c.rules, codeMap: c.codeMap, rules: s.rules.fields?.[f.name] ?? {},
      };
    }),
    unique: s.rules.unique?.length ? s.rules.unique : ds.primaryKey,
    references: s.rules.references ?? [],
    saved: s,
  };
}

async function ownDataset(ctx: Ctx, caller: Caller, code: string): Promise<Dataset> {
  requireRole(caller, 'admin', 'officer');
  const ds = await datasets.require(ctx.db, code);
  requireSameDepartment(caller, ds.departmentId);
  return ds;
}

/** Cleaning switches and validation rules of a dataset: read by its department, changed by it (audited). */
export const ingestSettings = {
  async get(ctx: Ctx, caller: Caller, code: string): Promise<SettingsView> {
    const ds = await ownDataset(ctx, caller, code);
    return view(ds, await loadSettings(ctx.db, ds.id));
  },

  async update(ctx: Ctx, caller: Caller, code: string, patch: Partial<IngestSettings>): Promise<SettingsView> {
    const ds = await ownDataset(ctx, caller, code);
    await checkSettings(ctx, ds, patch);
    return ctx.db.transaction(async (tx) => {
      const cur = await loadSettings(tx, ds.id);
      const next: IngestSettings = { cleaning: patch.cleaning ?? cur.cleaning, rules: patch.rules ?? cur.rules };
      await tx.query(
        `INSERT INTO ingest_settings (dataset_id, cleaning, rules, updated_by, updated_at) VALUES ($1, $2, $3, $4, now())
         ON CONFLICT (dataset_id) DO UPDATE SET cleaning = EXCLUDED.cleaning, rules = EXCLUDED.rules, updated_by = EXCLUDED.updated_by, updated_at = now()`,
        [ds.id, JSON.stringify(next.cleaning), JSON.stringify(next.rules), caller.id],
      );
      await ctx.audit.append(tx, caller, { action: 'dataset.ingest_settings', objectType: 'dataset', objectId: ds.code, departmentId: ds.departmentId, details: { changed: Object.keys(patch) } });
      return view(ds, next);
    });
  },
};

/** The saved mapping of a source, if any. */
export async function savedMapping(q: Queryable, datasetId: string, sourceName: string): Promise<Record<string, string | null> | null> {
  const r = await q.one<{ mapping: unknown }>('SELECT mapping FROM ingest_mappings WHERE dataset_id = $1 AND source_name = $2', [datasetId, sourceName]);
  return r ? parse<Record<string, string | null>>(r.mapping, {}) : null;
}

export async function saveMapping(q: Queryable, datasetId: string, sourceName: string, mapping: Record<string, string | null>, by: string | null) {
  await q.query(
    `INSERT INTO ingest_mappings (dataset_id, source_name, mapping, updated_by, updated_at) VALUES ($1, $2, $3, $4, now())
     ON CONFLICT (dataset_id, source_name) DO UPDATE SET mapping = EXCLUDED.mapping, updated_by = EXCLUDED.updated_by, updated_at = now()`,
    [datasetId, sourceName.slice(0, 500), JSON.stringify(mapping), by],
  );
}
