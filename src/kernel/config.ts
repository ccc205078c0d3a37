import path from 'node:path';

/** Runtime configuration, read from GOVHUB_* environment variables (documented in README). */
export interface Config {
  dataDir: string;
  port: number;
  host: string;
  databaseUrl?: string;
  adminPassword?: string;
  secretKey?: string;
  logLevel: string;
  sessionHours: number;
  bodyLimitBytes: number;
  maxPageSize: number;
  duckdbThreads?: number;
  duckdbMemoryLimit?: string;
  /** API requests per minute per user (anonymous: per client address). */
  rateLimitPerMinute: number;
  /** Login and password-change attempts per minute (per client address, resp. per user). */
  loginRateLimit: number;
  /** Officers may create and manage the non-admin users of their own department (default: admins only). */
  officersManageUsers: boolean;
  /** Source targets allowed besides the default (CIDR, address or host name, each optionally `:port`). */
  sourceAllow: string[];
  /** Source targets refused (same forms; `*`: everything the allow list does not name). */
  sourceDeny: string[];
  /** Connection tests and runs started by hand, per user and minute. */
  sourceTestsPerMinute: number;
  /** How long a connection to a source may take; every failed connection answers after exactly this long. */
  sourceConnectTimeoutMs: number;
  /**
   * The platform's public address (`https://data.example.gov.cn`), the base of the links that open
   * metadata (DCAT, Frictionless, portal) hands out; absent: the request's protocol and host.
   */
  publicUrl?: string;
}

export function loadConfig(overrides: Partial<Config> = {}, env: NodeJS.ProcessEnv = process.env): Config {
  const num = (v: string | undefined, d: number) => (v !== undefined && v !== '' && !Number.isNaN(Number(v)) ? Number(v) : d);
  const bool = (v: string | undefined, d: boolean) => (v === undefined || v === '' ? d : /^(1|true|yes|on)$/i.test(v.trim()));
  const list = (v: string | undefined) => (v ?? '').split(/[\s,]+/).filter(Boolean);
  const cfg: Config = {
    dataDir: path.resolve(env.GOVHUB_DATA_DIR ?? '.govhub'),
    port: num(env.GOVHUB_PORT, 8080),
    host: env.GOVHUB_HOST ?? '127.0.0.1',
    databaseUrl: env.GOVHUB_DATABASE_URL || undefined,
    adminPassword: env.GOVHUB_ADMIN_PASSWORD || undefined,
    secretKey: env.GOVHUB_SECRET_KEY || undefined,
    logLevel: env.GOVHUB_LOG_LEVEL ?? 'info',
    sessionHours: num(env.GOVHUB_SESSION_HOURS, 12),
    bodyLimitBytes: num(env.GOVHUB_BODY_LIMIT_BYTES, 10 * 1024 * 1024),
    maxPageSize: num(env.GOVHUB_MAX_PAGE_SIZE, 1000),
    duckdbThreads: env.GOVHUB_DUCKDB_THREADS ? num(env.GOVHUB_DUCKDB_THREADS, 2) : undefined,
    duckdbMemoryLimit: env.GOVHUB_DUCKDB_MEMORY_LIMIT || undefined,
    rateLimitPerMinute: num(env.GOVHUB_RATE_LIMIT_PER_MINUTE, 1200),
    loginRateLimit: num(env.GOVHUB_LOGIN_RATE_LIMIT, 30),
    officersManageUsers: bool(env.GOVHUB_OFFICERS_MANAGE_USERS, false),
    sourceAllow: list(env.GOVHUB_SOURCE_ALLOW),
    sourceDeny: list(env.GOVHUB_SOURCE_DENY),
    sourceTestsPerMinute: num(env.GOVHUB_SOURCE_TESTS_PER_MINUTE, 10),
    sourceConnectTimeoutMs: num(env.GOVHUB_SOURCE_CONNECT_TIMEOUT_MS, 5000),
    publicUrl: env.GOVHUB_PUBLIC_URL?.trim() || undefined,
  };
  const merged = { ...cfg, ...Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined)) } as Config;
  merged.dataDir = path.resolve(merged.dataDir);
  if (merged.publicUrl) merged.publicUrl = merged.publicUrl.replace(/\/+$/, '');
  return merged;
}
