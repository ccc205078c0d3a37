import { fork, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { problem } from '../../kernel/index.ts';
import type { LakeWriter } from '../../lake/index.ts';
import type { ParseMessage, ParseRequest, ParseResult } from './parseProtocol.ts';
import type { OpenedFile } from './openFile.ts';

// The worker is forked the way this module runs: compiled (dist/…/parseWorker.js, plain node) or from the
// TypeScript sources (src/…/parseWorker.ts, node with tsx's loader: tests and development).
const HERE = fileURLToPath(import.meta.url);
const FROM_SOURCE = HERE.endsWith('.ts');
const WORKER = path.join(path.dirname(HERE), `parseWorker${path.extname(HERE)}`);
const loaderArgs = () => (FROM_SOURCE ? ['--import', import.meta.resolve('tsx')] : []);

/** Caps on one parse process (GOVHUB_PARSE_MEMORY_MB, GOVHUB_PARSE_TIMEOUT_S). */
export interface ParseLimits {
  /** Resident memory the process may reach before it is killed. */
  memoryMb: number;
  timeoutMs: number;
}

export function parseLimits(env: NodeJS.ProcessEnv = process.env): ParseLimits {
  const n = (v: string | undefined, d: number, min: number) => {
    const x = Number(v);
    return Number.isFinite(x) && x >= min ? x : d;
  };
  return { memoryMb: n(env.GOVHUB_PARSE_MEMORY_MB, 2048, 256), timeoutMs: n(env.GOVHUB_PARSE_TIMEOUT_S, 1800, 0.01) * 1000 };
}

/** Resident set size of a process in MB (Linux /proc), or null where it cannot be read. */
function rssMb(pid: number): number | null {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : null;
  } catch {
    return null;
  }
}

const mbText = (n: number) => `${Math.round(n)} MB`;

interface Worker {
  child: ChildProcess;
  memoryMb: number;
  /** Settles true when the process is up and waiting for its file, false when it died before. */
  ready: Promise<boolean>;
  /** Settles when the process has ended, however it ended. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stderr: { text: string };
}

/** Start a parse process; it waits for one request, answers, and exits. */
function spawnWorker(memoryMb: number): Worker {
  const child = fork(WORKER, [], {
    execArgv: [...loaderArgs(), `--max-old-space-size=${Math.max(128, Math.floor(memoryMb * 0.75))}`],
    // the parser needs no secret: only a path and a locale
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', LANG: 'C.UTF-8', ...(process.env.TMPDIR ? { TMPDIR: process.env.TMPDIR } : {}) },
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    serialization: 'json',
  });
  const stderr = { text: '' };
  child.stderr?.on('data', (d: Buffer) => {
    stderr.text = (stderr.text + d.toString('utf8')).slice(-8192);
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const ready = new Promise<boolean>((resolve) => {
    child.once('message', (m: ParseMessage) => resolve(m.type === 'ready'));
    void exited.then(() => resolve(false));
    child.once('error', () => resolve(false));
  });
  return { child, memoryMb, ready, exited, stderr };
}

/** One process kept started and idle, so an upload does not wait for a process to start. */
let spare: Worker | null = null;

type Handle = { ref?: () => void; unref?: () => void } | null | undefined;
const handles = (w: Worker) => [w.child, w.child.channel, w.child.stderr] as unknown as Handle[];

/** An idle spare must not keep the server (or a command) from exiting; a busy one must. */
function idle(w: Worker): void {
  for (const h of handles(w)) h?.unref?.();
}

function busy(w: Worker): void {
  for (const h of handles(w)) h?.ref?.();
}

const alive = (x: Worker) => x.child.exitCode === null && x.child.signalCode === null && !x.child.killed;

/** Start the spare when there is none (idle: it keeps nobody from exiting). */
function startSpare(memoryMb: number): Worker {
  if (spare && spare.memoryMb === memoryMb && alive(spare)) return spare;
  spare?.child.kill();
  const w = spawnWorker(memoryMb);
  spare = w;
  idle(w);
  w.child.once('exit', () => {
    if (spare === w) spare = null;
  });
  return w;
}

/**
 * Have a parse process started and waiting, so the first upload does not wait for one (a server
 * calls this when it starts). Resolves when it is ready.
 */
export async function warmParser(limits: ParseLimits = parseLimits()): Promise<void> {
  await startSpare(limits.memoryMb).ready;
}

/** A started process for this job, and a new spare started behind it. */
function takeWorker(memoryMb: number): Worker {
  let w = spare && spare.memoryMb === memoryMb && alive(spare) ? spare : null;
  if (spare && spare !== w) spare.child.kill();
  spare = null;
  w ??= spawnWorker(memoryMb);
  busy(w);
  setImmediate(() => startSpare(memoryMb));
  return w;
}

/**
 * Parse an uploaded file in a process of its own, under caps on memory and time: the process gets
 * the file and a work directory and nothing else (no secrets in its environment, its DuckDB confined
 * to those paths). A file that crashes the parser, needs more memory than allowed or takes too long
 * fails with a 422 naming what happened; the server process is never at risk. One process per file;
 * a spare one is kept started so the next upload does not wait. Progress comes through `onProgress`.
 */
export async function parseIsolated(req: Omit<ParseRequest, 'memoryLimitMb'>, limits: ParseLimits, onProgress?: (stage: string, percent: number) => void): Promise<ParseResult> {
  let w = takeWorker(limits.memoryMb);
  // a spare that ended while idle (killed from outside) is replaced once
  if (!(await w.ready) || !alive(w)) w = spawnWorker(limits.memoryMb);
  const { child, stderr } = w;
  if (!(await w.ready)) throw new Error(`parse process failed to start: ${stderr.text.trim().split('\n').slice(-3).join(' | ')}`);
  return new Promise((resolve, reject) => {
    let outcome: ParseMessage | null = null;
    let killedFor: 'memory' | 'timeout' | null = null;
    const kill = (why: 'memory' | 'timeout') => {
      killedFor ??= why;
      child.kill('SIGKILL');
    };
    const watch = setInterval(() => {
      const mb = child.pid ? rssMb(child.pid) : null;
      if (mb !== null && mb > limits.memoryMb) kill('memory');
    }, 100);
    const timer = setTimeout(() => kill('timeout'), limits.timeoutMs);
    child.on('message', (m: ParseMessage) => {
      if (m.type === 'progress') onProgress?.(m.stage, m.percent);
      else if (m.type !== 'ready') outcome = m;
    });
    void w.exited.then(({ code, signal }) => {
      clearInterval(watch);
      clearTimeout(timer);
      const o = outcome as ParseMessage | null;
      if (o?.type === 'done') return resolve(o.result);
      if (o?.type === 'problem') return reject(problem(o.slug, o.detail, o.errors));
      if (killedFor === 'memory' || /heap out of memory|Out of Memory/i.test(stderr.text))
        return reject(problem('unprocessable', `解析文件所需内存超过上限 ${mbText(limits.memoryMb)}，已中止（可调整 GOVHUB_PARSE_MEMORY_MB）/ parsing the file needed more than ${mbText(limits.memoryMb)} and was stopped`));
      if (killedFor === 'timeout')
        return reject(problem('unprocessable', `解析文件超过时限 ${Math.round(limits.timeoutMs / 1000)} 秒，已中止 / parsing the file took longer than ${Math.round(limits.timeoutMs / 1000)} s and was stopped`));
      if (o?.type === 'error') return reject(problem('unprocessable', `文件无法读取：${o.message} / the file cannot be read`));
      reject(problem('unprocessable', `文件无法解析：解析进程异常终止（${signal ?? `exit ${code}`}），文件可能已损坏或被构造 / the file could not be parsed: the parser ended abnormally (${signal ?? `exit ${code}`}); the file may be damaged or crafted`));
    });
    child.send({ ...req, memoryLimitMb: Math.max(64, Math.floor(limits.memoryMb * 0.5)) } satisfies ParseRequest);
  });
}

/**
 * An uploaded file as an OpenedFile for the check stages: parsed in its own process into Parquet in
 * `workDir`, read back by the server through work-file scans.
 */
export async function openIsolated(
  lake: Pick<LakeWriter, 'workScan'>,
  req: Omit<ParseRequest, 'memoryLimitMb' | 'preview' | 'previewRows'>,
  limits: ParseLimits,
  onProgress?: (stage: string, percent: number) => void,
): Promise<OpenedFile> {
  const r = await parseIsolated({ ...req, preview: false, previewRows: 0 }, limits, onProgress);
  return { ...r.meta, relation: lake.workScan(r.parsed!), rejects: r.rejects ? { relation: lake.workScan(r.rejects) } : null };
}
