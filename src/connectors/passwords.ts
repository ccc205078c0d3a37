import type { Ctx } from '../kernel/index.ts';
import { decryptLegacySecret, decryptSecret, encryptSecret, isLegacySecret } from './secrets.ts';
import { listSources, type StoredSource } from './store.ts';
import { targetKey } from './target.ts';
import type { DbSettings, MqttSettings, SourceKind } from './types.ts';

/** Seal a password to the source and the target of its (checked) settings. */
export function sealPassword(ctx: Ctx, sourceId: string, kind: SourceKind, settings: DbSettings | MqttSettings, password: string): string {
  return encryptSecret(ctx.config.secretKey, password, sourceId, targetKey(kind, settings));
}

/**
 * The stored password of a source, for sending to the target of `settings` — which must be the
 * target it was saved with: the ciphertext's associated data names that target, so for any other
 * it does not decrypt (throws), whatever the code that asks. A password stored in the old form
 * (v1, the source id only) is read only for the saved target and re-sealed at once.
 */
export async function sourcePassword(ctx: Ctx, s: StoredSource, settings: DbSettings | MqttSettings): Promise<string> {
  if (!s.secret) return '';
  const target = targetKey(s.kind, settings);
  if (!isLegacySecret(s.secret)) return decryptSecret(ctx.config.secretKey, s.secret, s.id, target);
  if (target !== targetKey(s.kind, s.settings)) throw new Error('the stored password is for another target / 已存密码属于另一连接目标');
  const plain = decryptLegacySecret(ctx.config.secretKey, s.secret, s.id);
  await reseal(ctx, s, plain);
  return plain;
}

async function reseal(ctx: Ctx, s: StoredSource, plain: string): Promise<void> {
  // only if nobody changed it meanwhile
  await ctx.db.query('UPDATE sources SET secret = $3 WHERE id = $1 AND secret = $2', [s.id, s.secret, sealPassword(ctx, s.id, s.kind, s.settings, plain)]);
}

/** Re-seal every password still stored in the old form to its source's saved target (at start-up). */
export async function resealLegacySecrets(ctx: Ctx): Promise<number> {
  let n = 0;
  for (const s of await listSources(ctx.db, `WHERE s.secret LIKE 'v1:%'`)) {
    try {
      await reseal(ctx, s, decryptLegacySecret(ctx.config.secretKey, s.secret!, s.id));
      n++;
    } catch (err) {
      ctx.log.error({ sourceId: s.id, err: (err as Error).message }, 'stored source password could not be re-sealed');
    }
  }
  if (n) ctx.log.info({ sources: n }, 'source passwords re-sealed to their targets');
  return n;
}
