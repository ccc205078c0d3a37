import type { AnchorRead } from './AnchorFile.ts';
import { chainedPart, eventHash, GENESIS_HASH, type AuditEvent } from './chain.ts';
import type { Located, SignedCheckpoint, SignedHead } from './heads.ts';
import type { AuditKey } from './keys.ts';

/** What verification found. `firstBad.kind`: `tampered` (exit 2) or `unverifiable` (exit 3). */
export interface VerifyResult {
  ok: boolean;
  checked: number;
  headSeq: number;
  headHash: string;
  checkpoints: { checked: number; latestSeq: number | null };
  /** The anchor file checked (or the export's anchors), whether it was there, and what it held. */
  anchors: { source: string | null; present: boolean; checked: number; latestSeq: number | null };
  witnesses: { checked: number; heads: { source: string; seq: number }[] };
  warnings: string[];
  firstBad?: { seq: number; id: string | null; reason: string; kind: 'tampered' | 'unverifiable' };
}

export interface VerifyInputs {
  /** The key whose signatures count: the platform's, or one the verifier trusts. */
  key: AuditKey;
  /** Checkpoints stored with the chain (the database's, or an export's). */
  checkpoints: SignedCheckpoint[];
  /** Anchors kept apart from the chain; `read: null` when the file does not exist. */
  anchors: { source: string; read: AnchorRead | null } | null;
  /** Heads a second party kept. */
  witnesses: Located<SignedHead>[];
}

const where = (a: { source: string; line: number }) => `${a.source}:${a.line}`;

/**
 * Walk the chain (contiguous seq from 1, each prev_hash the previous hash, each hash recomputed),
 * then check, in this order, the stored checkpoints, the anchors kept outside the database and the
 * witnessed heads: each must carry a valid signature of this key and name an event of the chain
 * with the same hash. Anchors and witnesses also bound the end: a chain that stops before one of
 * them lost its newest events. Reports the first problem found.
 */
export async function verifyChain(events: AsyncIterable<AuditEvent>, inputs: VerifyInputs, onProgress?: (checked: number) => void): Promise<VerifyResult> {
  const { key, checkpoints: cps, anchors, witnesses } = inputs;
  const anchored = anchors?.read?.anchors ?? [];
  const watched = new Set<number>([...cps, ...anchored.map((a) => a.value), ...witnesses.map((w) => w.value)].map((c) => c.seq));
  const hashes = new Map<number, string>();
  const warnings: string[] = [];
  let prevHash = GENESIS_HASH;
  let expectSeq = 1;
  let checked = 0;
  const latest = (xs: { seq: number }[]) => xs.reduce<number | null>((m, x) => (m === null || x.seq > m ? x.seq : m), null);
  const summary = () => ({
    checked, headSeq: expectSeq - 1, headHash: prevHash,
    checkpoints: { checked: cps.length, latestSeq: latest(cps) },
    anchors: { source: anchors?.source ?? null, present: !!anchors?.read, checked: new Set(anchored.map((a) => a.value.seq)).size, latestSeq: latest(anchored.map((a) => a.value)) },
    witnesses: { checked: witnesses.length, heads: witnesses.map((w) => ({ source: where(w), seq: w.value.seq })) },
    warnings,
  });
  const fail = (seq: number, id: string | null, reason: string, kind: 'tampered' | 'unverifiable' = 'tampered'): VerifyResult =>
    ({ ok: false, ...summary(), firstBad: { seq, id, reason, kind } });

  for await (const e of events) {
    if (e.seq !== expectSeq) return fail(expectSeq, e.seq > expectSeq ? null : e.id, `missing or reordered event: expected seq ${expectSeq}, found ${e.seq}`);
    if (e.prevHash !== prevHash) return fail(e.seq, e.id, 'prev_hash does not match the previous event (an event before it was removed, inserted or changed)');
    if (eventHash(prevHash, chainedPart(e)) !== e.hash) return fail(e.seq, e.id, 'hash does not match the event content (event edited)');
    if (watched.has(e.seq)) hashes.set(e.seq, e.hash);
    prevHash = e.hash;
    expectSeq++;
    checked++;
    if (onProgress && checked % 1000 === 0) onProgress(checked);
  }
  onProgress?.(checked);
  const headSeq = expectSeq - 1;

  for (const c of cps) {
    if (!key.verify(c.seq, c.hash, c.ts, c.signature)) return fail(c.seq, null, `checkpoint at seq ${c.seq} has an invalid signature`);
    if (c.seq > headSeq) return fail(c.seq, null, `checkpoint at seq ${c.seq} names an event that is missing (events were removed from the end)`);
    if (hashes.get(c.seq) !== c.hash) return fail(c.seq, null, `checkpoint at seq ${c.seq} does not match the chain (chain rewritten)`);
  }

  if (anchors && !anchors.read) {
    if (cps.length) {
      return fail(0, null, `锚定文件 ${anchors.source} 不存在，而已有 ${cps.length} 个签名检查点，无法排除末尾事件被删除；请用 --anchors 指明该文件，升级后首次使用请运行 govhub audit anchors --init`
        + ` / the anchor file ${anchors.source} does not exist while ${cps.length} signed checkpoints do: removal of the newest events cannot be ruled out;`
        + ' point verify at the file with --anchors FILE, or right after an upgrade run govhub audit anchors --init', 'unverifiable');
    }
    warnings.push(`锚定文件 ${anchors.source} 尚不存在（还没有签名检查点）/ the anchor file ${anchors.source} does not exist yet (no signed checkpoint so far)`);
  }
  if (anchors?.read) {
    const bad = anchors.read.malformed[0];
    if (bad) return fail(0, null, `锚定文件 ${anchors.source} 第 ${bad.line} 行格式错误 / anchor file ${anchors.source} line ${bad.line} is malformed: ${bad.reason}`);
    for (const a of anchored) {
      if (a.value.keyId !== key.keyId) return fail(a.value.seq, null, `锚定 ${where(a)}（seq ${a.value.seq}）由其他密钥 ${a.value.keyId} 签名 / anchor ${where(a)} (seq ${a.value.seq}) was signed by key ${a.value.keyId}, not this platform's key ${key.keyId}`);
      if (!key.signed(a.value)) return fail(a.value.seq, null, `锚定 ${where(a)}（seq ${a.value.seq}）签名无效（伪造）/ anchor ${where(a)} (seq ${a.value.seq}) has an invalid signature (forged)`);
    }
    const newest = latest(anchored.map((a) => a.value));
    if (newest !== null && newest > headSeq) {
      return fail(newest, null, `链在锚定检查点 seq ${newest} 之前结束（链头 seq ${headSeq}），末尾事件被删除 / the chain ends before anchored checkpoint seq ${newest} (head is seq ${headSeq}): the newest events were removed`);
    }
    for (const a of anchored) {
      if (hashes.get(a.value.seq) !== a.value.hash) return fail(a.value.seq, null, `锚定检查点 seq ${a.value.seq} 与链不符（该处哈希不同，链被改写）/ anchored checkpoint seq ${a.value.seq} does not match the chain: the hash at that seq differs (chain rewritten)`);
    }
    const cpNewest = latest(cps);
    if (cpNewest !== null && (newest ?? 0) < cpNewest) warnings.push(`最新检查点 seq ${cpNewest} 尚未锚定（锚定至 seq ${newest ?? 0}）/ the newest checkpoint, seq ${cpNewest}, is not anchored yet (anchored up to seq ${newest ?? 0})`);
  }

  for (const w of witnesses) {
    const h = w.value;
    if (!key.samePublicKey(h.publicKey)) return fail(h.seq, null, `见证链头 ${where(w)} 的公钥不是本平台的公钥 / witness head ${where(w)} carries a public key other than this platform's (key ${key.keyId})`);
    if (!key.signed(h)) return fail(h.seq, null, `见证链头 ${where(w)}（seq ${h.seq}）签名无效 / witness head ${where(w)} (seq ${h.seq}) has an invalid signature`);
    if (h.seq > headSeq) return fail(h.seq, null, `链在见证链头 seq ${h.seq} 之前结束（链头 seq ${headSeq}），末尾事件被删除 / the chain ends before witnessed head seq ${h.seq} (head is seq ${headSeq}): the newest events were removed`);
    if (hashes.get(h.seq) !== h.hash) return fail(h.seq, null, `见证链头 seq ${h.seq} 与链不符（链被改写）/ witnessed head seq ${h.seq} does not match the chain: the hash at that seq differs (chain rewritten)`);
  }

  return { ok: true, ...summary() };
}
