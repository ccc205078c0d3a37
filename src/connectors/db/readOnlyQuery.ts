import { fieldProblem } from '../../kernel/index.ts';

/** Statements and clauses that write, lock, or reach outside the database. */
const FORBIDDEN = [
  'insert', 'update', 'delete', 'merge', 'upsert', 'truncate', 'drop', 'alter', 'create', 'rename', 'grant', 'revoke', 'call', 'exec',
  'execute', 'copy', 'lock', 'unlock', 'into', 'handler', 'load', 'set', 'do', 'vacuum', 'analyze', 'reindex', 'cluster', 'refresh',
  'listen', 'notify', 'prepare', 'deallocate', 'share', 'nowait',
  // functions that read files, sleep or open connections
  'load_file', 'sleep', 'benchmark', 'get_lock', 'pg_sleep', 'pg_read_file', 'pg_read_binary_file', 'pg_ls_dir', 'lo_import', 'lo_export',
  'dblink', 'dblink_exec', 'pg_terminate_backend', 'pg_cancel_backend', 'set_config', 'nextval', 'setval',
];
const FORBIDDEN_SET = new Set(FORBIDDEN);
/**
 * Families of functions refused by prefix where they are called (a column may be named lo_limit): connections to other servers (dblink_connect …), sleeps
 * (pg_sleep_for …), locks, server files and logs, large objects, server control, dynamic SQL run
 * from a string (query_to_xml … — a string is blanked before the check, so what it runs is unseen),
 * and the sys_exec / sys_eval UDFs of MySQL.
 */
const FORBIDDEN_PREFIX = /^(dblink|pg_sleep|pg_read|pg_ls_|pg_stat_file|pg_file|lo_|pg_advisory|pg_try_advisory|pg_terminate|pg_cancel|pg_reload|pg_rotate|pg_switch|pg_create|pg_drop|pg_promote|pg_logical|pg_replication|pg_notify|query_to_xml|cursor_to_xml|sys_exec|sys_eval)/;

export type QueryDialect = 'mysql' | 'postgres';

/**
 * The query's code with comments removed and every string literal and quoted identifier blanked.
 * MySQL: '…' and "…" with backslash escapes, `…`, --, #, /* *\/ (executable /*! *\/ refused).
 * PostgreSQL: '…' (backslash escapes only in E'…'), "…", $tag$…$tag$, --, /* *\/.
 */
export function codeOnly(sql: string, dialect: QueryDialect): string {
  const my = dialect === 'mysql';
  let out = '';
  let i = 0;
  const n = sql.length;
  while (i < n) {
    const c = sql[i]!;
    const next = sql[i + 1];
    if (c === '-' && next === '-' && (!my || /[\s]/.test(sql[i + 2] ?? ' '))) {
      while (i < n && sql[i] !== '\n') i++;
      out += ' ';
    } else if (c === '#' && my) {
      while (i < n && sql[i] !== '\n') i++;
      out += ' ';
    } else if (c === '/' && next === '*') {
      if (my && /^\/\*M?!/.test(sql.slice(i, i + 4))) throw fieldProblem('query', '不允许可执行注释 / executable comments are not allowed');
      const end = sql.indexOf('*/', i + 2);
      if (end < 0) throw fieldProblem('query', '注释未闭合 / unterminated comment');
      i = end + 2;
      out += ' ';
    } else if (c === "'" || c === '"' || (c === '`' && my)) {
      const escapes = my ? c !== '`' : c === "'" && /[eE]/.test(sql[i - 1] ?? '') && !/[A-Za-z0-9_]/.test(sql[i - 2] ?? '');
      let j = i + 1;
      for (;;) {
        if (j >= n) throw fieldProblem('query', '引号未闭合 / unterminated quote');
        if (sql[j] === '\\' && escapes) j += 2;
        else if (sql[j] === c && sql[j + 1] === c) j += 2;
        else if (sql[j] === c) break;
        else j++;
      }
      out += c === "'" ? "''" : `${c}x${c}`;
      i = j + 1;
    } else if (c === '$' && !my && !/[A-Za-z0-9_]/.test(sql[i - 1] ?? '')) {
      const m = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.exec(sql.slice(i));
      if (m) {
        const end = sql.indexOf(m[0], i + m[0].length);
        if (end < 0) throw fieldProblem('query', '字符串未闭合 / unterminated dollar-quoted string');
        out += "''";
        i = end + m[0].length;
      } else {
        out += c;
        i++;
      }
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

/**
 * Accept only one read-only query: a single SELECT (or WITH … SELECT) statement, no trailing
 * statement, no INTO, no locking clause, no data-modifying CTE, none of the functions that touch
 * files, sleep or open connections. The sync also runs it inside a READ ONLY transaction; the
 * database account should be read-only as well. Returns the query without a trailing semicolon.
 */
export function checkReadOnlyQuery(sql: string, dialect: QueryDialect): string {
  if (!sql.trim()) throw fieldProblem('query', '查询为空 / empty query');
  if (sql.length > 20_000) throw fieldProblem('query', '查询过长 / query longer than 20000 characters');
  const code = codeOnly(sql, dialect).trim().replace(/;\s*$/, '');
  if (code.includes(';')) throw fieldProblem('query', '只能是一条语句 / only one statement is allowed');
  const first = /^\(*\s*([A-Za-z]+)/.exec(code)?.[1]?.toLowerCase();
  if (first !== 'select' && first !== 'with') throw fieldProblem('query', '只允许 SELECT 或 WITH 查询 / only a SELECT or WITH query is allowed');
  // a function called by a quoted name ("pg_sleep"(1)) would hide its name from the checks below
  if (/["`]x["`]\s*\(/.test(code)) throw fieldProblem('query', '不允许以带引号的名称调用函数 / functions may not be called by a quoted name');
  for (const m of code.matchAll(/[A-Za-z_][A-Za-z0-9_$]*/g)) {
    const w = m[0].toLowerCase();
    const call = () => /^\s*\(/.test(code.slice(m.index + w.length));
    if (FORBIDDEN_SET.has(w) || (FORBIDDEN_PREFIX.test(w) && call())) throw fieldProblem('query', `查询中不允许 ${m[0].toUpperCase()} / ${m[0].toUpperCase()} is not allowed in a read-only query`);
  }
  return sql.trim().replace(/;\s*$/, '');
}

const IDENT_PART = /^[\p{L}_][\p{L}\p{N}_$]{0,63}$/u;

/** A table name, `table` or `schema.table`: letters, digits, _ and $ only. */
export function checkTableName(name: string, field = 'table'): string[] {
  const parts = name.split('.');
  if (parts.length > 2 || !parts.every((p) => IDENT_PART.test(p))) throw fieldProblem(field, `表名不合法 / not a valid table name: ${name}`);
  return parts;
}

/** A column name: letters, digits, _ and $ only. */
export function checkColumnName(name: string, field: string): string {
  if (!IDENT_PART.test(name)) throw fieldProblem(field, `列名不合法 / not a valid column name: ${name}`);
  return name;
}
