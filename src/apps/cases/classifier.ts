/**
 * The case classifier in service: trained on the platform's own case history (each case's confirmed
 * category, corrections included) and the categories' keywords; kept in `case_models` (the newest
 * is in use, shared by every server); retrained when enough new labels have come in.
 */
import { type Ctx, newId, SYSTEM, type Caller, problem, isAdmin } from '../../kernel/index.ts';
import { caseCategories } from './categories.ts';
import { type Classifier, type Example, loadClassifier, trainClassifier } from './classify/index.ts';

/** Retrain after this many newly confirmed (or corrected) cases. */
export const RETRAIN_AFTER = 50;
/** Train on at most this many of the newest labelled cases. */
export const TRAIN_MAX = 200_000;

interface Loaded { id: string; classifier: Classifier; trainedAt: Date }
const current = new WeakMap<object, Loaded>();

export interface ModelInfo { id: string; trainedAt: string; examples: number; corrections: number; seconds: number; categories: number }

export const caseClassifier = {
  /** The model in use (loaded once per control plane and again when a newer one was trained); null before any training. */
  async get(ctx: Ctx): Promise<Classifier | null> {
    const newest = await ctx.db.one<{ id: string }>(`SELECT id FROM case_models ORDER BY trained_at DESC LIMIT 1`);
    if (!newest) return null;
    const have = current.get(ctx.db);
    if (have?.id === newest.id) return have.classifier;
    const row = await ctx.db.one<{ id: string; model: unknown; trained_at: Date }>(`SELECT id, model, trained_at FROM case_models WHERE id = $1`, [newest.id]);
    const loaded = { id: row!.id, classifier: loadClassifier(row!.model), trainedAt: new Date(row!.trained_at) };
    current.set(ctx.db, loaded);
    return loaded.classifier;
  },

  /**
   * Train on the labelled history (title + text → confirmed category) and the active categories'
   * keywords. Without any labelled case the keywords alone make the first model.
   */
  async train(ctx: Ctx, caller: Caller = SYSTEM): Promise<ModelInfo> {
    if (!isAdmin(caller) && caller.role !== 'officer') throw problem('forbidden', '只有管理员或受理中心可以训练分类模型 / only admins and the centre train the classifier');
    const started = performance.now();
    await caseCategories.ensure(ctx);
    const rows = await ctx.db.query<{ title: string; text: string; category_code: string; corrected: boolean }>(
      `SELECT title, text, category_code, (suggested_category IS NOT NULL AND suggested_category <> category_code) AS corrected FROM cases
        WHERE category_code IS NOT NULL AND status <> 'invalid' ORDER BY created_at DESC LIMIT ${TRAIN_MAX}`,
    );
    const cats = await ctx.db.query<{ code: string; name: string; keywords: string[] }>(`SELECT code, name, keywords FROM case_categories WHERE active`);
    const lexicon: Record<string, string[]> = {};
    for (const c of cats) if ((c.keywords ?? []).length) lexicon[c.code] = [c.name, ...c.keywords];
    const examples: Example[] = rows.map((r) => ({ title: r.title, text: r.text, category: r.category_code }));
    const labels = new Set([...examples.map((e) => e.category), ...Object.keys(lexicon)]);
    if (labels.size < 2) throw problem('conflict', '至少需要两个有样本或关键词的类别 / at least two categories need cases or keywords');
    // each category's keywords are one more example of it: a category no case was filed under yet can still be proposed
    const seed = [...examples, ...Object.entries(lexicon).map(([category, words]) => ({ title: words[0], text: words.join('，'), category }))];
    const classifier = trainClassifier(seed, { lexicon });
    const seconds = (performance.now() - started) / 1000;
    const id = newId();
    const corrections = rows.filter((r) => r.corrected).length;
    await ctx.db.transaction(async (tx) => {
      await tx.query(`INSERT INTO case_models (id, trained_at, examples, corrections, seconds, model) VALUES ($1, now(), $2, $3, $4, $5)`, [id, examples.length, corrections, seconds, JSON.stringify(classifier.toJSON())]);
      // only the newest few models are kept
      await tx.query(`DELETE FROM case_models WHERE id NOT IN (SELECT id FROM case_models ORDER BY trained_at DESC LIMIT 3)`);
      await ctx.audit.append(tx, caller, { action: 'case.train', objectType: 'case_model', objectId: id, details: { examples: examples.length, corrections, categories: labels.size, seconds } });
    });
    current.set(ctx.db, { id, classifier, trainedAt: new Date() });
    return { id, trainedAt: new Date().toISOString(), examples: examples.length, corrections, seconds, categories: classifier.categories.length };
  },

  async info(ctx: Ctx): Promise<(ModelInfo & { pending: number }) | null> {
    const r = await ctx.db.one<{ id: string; trained_at: Date; examples: number; corrections: number; seconds: number }>(`SELECT id, trained_at, examples, corrections, seconds FROM case_models ORDER BY trained_at DESC LIMIT 1`);
    const pending = await caseClassifier.pending(ctx, r?.trained_at ?? null);
    if (!r) return null;
    const c = await caseClassifier.get(ctx);
    return { id: r.id, trainedAt: new Date(r.trained_at).toISOString(), examples: r.examples, corrections: r.corrections, seconds: r.seconds, categories: c?.categories.length ?? 0, pending };
  },

  /** Cases labelled since the model was trained. */
  async pending(ctx: Ctx, since: Date | null): Promise<number> {
    const n = await ctx.db.one<{ n: number }>(`SELECT count(*)::int AS n FROM cases WHERE category_code IS NOT NULL AND ($1::timestamptz IS NULL OR dispatched_at > $1)`, [since?.toISOString() ?? null]);
    return Number(n?.n ?? 0);
  },

  /** Retrain when there is no model yet or RETRAIN_AFTER cases were labelled since the last one. */
  async maybeRetrain(ctx: Ctx): Promise<boolean> {
    const last = await ctx.db.one<{ trained_at: Date }>(`SELECT trained_at FROM case_models ORDER BY trained_at DESC LIMIT 1`);
    if (last && (await caseClassifier.pending(ctx, new Date(last.trained_at))) < RETRAIN_AFTER) return false;
    await caseClassifier.train(ctx);
    return true;
  },
};
