import { Option } from 'commander';
import pino from 'pino';
import { loadConfig, type Config } from '../kernel/index.ts';
import { openPlatform, type Platform } from '../platform.ts';

export const dataDirOption = () => new Option('--data-dir <dir>', '数据目录 / data directory (GOVHUB_DATA_DIR)').env('GOVHUB_DATA_DIR');

/** Open the platform for a one-shot command (logs at warn level to stderr), run fn, close. */
export async function withPlatform<T>(opts: Partial<Config>, fn: (p: Platform) => Promise<T>): Promise<T> {
  const config = loadConfig(opts);
  const p = await openPlatform(config, { log: pino({ level: process.env.GOVHUB_LOG_LEVEL ?? 'warn' }, pino.destination(2)) });
  try {
    return await fn(p);
  } finally {
    await p.close();
  }
}
