import path from 'node:path';
import { AnchorFile, type AnchorRead } from './AnchorFile.ts';
import type { AuditEvent } from './chain.ts';
import { parseLine, SignedCheckpointSchema, SignedHeadSchema, type Located, type SignedCheckpoint, type SignedHead } from './heads.ts';
import { AuditKey } from './keys.ts';
import { fileLines } from './lines.ts';
import { verifyChain, type VerifyResult } from './verifyChain.ts';

/** Signed heads kept by witnesses: files of one JSON head per line, as `govhub audit head` prints them. */
export async function readWitnesses(files: string[]): Promise<Located<SignedHead>[]> {
  const out: Located<SignedHead>[] = [];
  for (const f of files) {
    const source = path.resolve(f);
    for await (const { line, text } of fileLines(source)) {
      const r = parseLine(SignedHeadSchema, text, ['kind']);
      if ('error' in r) throw new Error(`witness ${source}:${line} is not a signed head: ${r.error}`);
      out.push({ source, line, value: r.value });
    }
  }
  return out;
}

function parseExportLine(file: string, line: number, text: string): Record<string, unknown> & { kind?: unknown } {
  try {
    const v = JSON.parse(text) as unknown;
    if (v && typeof v === 'object' && !Array.isArray(v)) return v as Record<string, unknown>;
  } catch { /* below */ }
  throw new Error(`export ${file}:${line} is not a JSON object`);
}

/**
 * Verify an export (`govhub audit export`) without the database: its events, checkpoints and
 * anchors, against a public key the verifier trusts (a file, or the key a witness head carries)
 * and any witnessed heads. The export's own public key is used only when nothing else is given,
 * and the result then says so: an export alone proves only its own consistency.
 */
export async function verifyExport(file: string, opts: { publicKeyPem?: string; anchorFile?: string; witnesses?: Located<SignedHead>[] } = {}): Promise<VerifyResult> {
  file = path.resolve(file);
  const witnesses = opts.witnesses ?? [];
  const checkpoints: SignedCheckpoint[] = [];
  const carried: AnchorRead = { anchors: [], malformed: [] };
  let header: Record<string, unknown> | null = null;
  for await (const { line, text } of fileLines(file)) {
    const v = parseExportLine(file, line, text);
    if (v.kind === 'header') header = v;
    else if (v.kind === 'checkpoint' || v.kind === 'anchor') {
      const r = parseLine(SignedCheckpointSchema, text, ['kind']);
      if (v.kind === 'anchor') {
        if ('value' in r) carried.anchors.push({ source: file, line, value: r.value });
        else carried.malformed.push({ line, reason: r.error });
      } else if ('value' in r) checkpoints.push(r.value);
      else throw new Error(`export ${file}:${line} is not a signed checkpoint: ${r.error}`);
    } else if (v.kind === 'anchor-malformed') carried.malformed.push({ line, reason: String(v.reason ?? 'malformed in the anchor file') });
  }
  if (!header) throw new Error(`export ${file} has no header line`);
  const warnings: string[] = [];
  let key: AuditKey;
  if (opts.publicKeyPem) key = AuditKey.fromPublicPem(opts.publicKeyPem);
  else if (witnesses.length) key = AuditKey.fromPublicPem(witnesses[0].value.publicKey);
  else {
    key = AuditKey.fromPublicPem(String(header.publicKey));
    warnings.push('公钥取自导出文件本身：未给出 --public-key 或 --witness 时，只能证明导出文件自洽 / the public key was taken from the export itself: without --public-key or --witness this proves only that the export is consistent');
  }
  // Anchors: the operator's file when named, else those the export carries (exports made before anchors carry none).
  const anchors = opts.anchorFile
    ? await (async () => { const f = new AnchorFile(path.resolve(opts.anchorFile!)); return { source: f.path, read: await f.read() }; })()
    : header.anchors === undefined ? null : { source: `${file} (anchors)`, read: carried };
  if (!anchors) warnings.push('导出文件不含锚定（旧版导出）/ the export carries no anchors (made before anchors existed)');

  async function* events(): AsyncGenerator<AuditEvent> {
    for await (const { line, text } of fileLines(file)) {
      const { kind, ...e } = parseExportLine(file, line, text);
      if (kind === 'event') yield e as unknown as AuditEvent;
    }
  }
  const res = await verifyChain(events(), { key, checkpoints, anchors, witnesses });
  return { ...res, warnings: [...warnings, ...res.warnings] };
}
