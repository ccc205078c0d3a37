/**
 * The allow-list walker over DuckDB's JSON syntax tree (`json_serialize_sql`). It accepts only
 * the node types, expression classes, keys and functions it knows, refuses everything else, and
 * renames every table a statement reads: a table named by one of the statement's own CTEs (in
 * scope) becomes that CTE's generated name, any other table goes to `table()` (the caller binds it
 * to a guarded view). What runs is rendered from the renamed tree, never from the user's text.
 */
import { PARSER_QUALIFIED, SESSION_WORDS, SQL_FUNCTIONS, SQL_WINDOW_FUNCTIONS } from './functions.ts';

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
export type Node = { [k: string]: Json };

/** Why a statement was refused; callers choose the answer (a 400 for analysts, CKAN's 403/409). */
export type RefusalReason =
  /** Not one parseable SELECT (other statements, several statements, syntax errors). */
  | 'statement'
  /** A construct outside the allow-list (table functions, PIVOT, DESCRIBE, lambdas, sampling, …). */
  | 'construct'
  /** A function outside the allow-list, or a qualified one. */
  | 'function'
  /** A schema- or catalog-qualified table, or a time-travel clause. */
  | 'qualified'
  /** `?` / `$1` parameters. */
  | 'parameter'
  /** A name the platform keeps for itself (starting with `__`). */
  | 'reserved-name';

export class SqlRefusal extends Error {
  constructor(readonly reason: RefusalReason, message: string) {
    super(message);
    this.name = 'SqlRefusal';
  }
}

const refuse = (reason: RefusalReason, message: string): never => {
  throw new SqlRefusal(reason, message);
};

/** Names starting with this prefix are the platform's own (generated views and CTEs). */
export const RESERVED_PREFIX = '__';

export interface VetNames {
  /** The name a table reference that is no CTE in scope is rewritten to (given lower-cased). */
  table(name: string): string;
  /** A fresh generated name for a CTE the statement defines (given its lower-cased name). */
  cte(name: string): string;
  /** May a name starting with `__` appear (a second check of an already rewritten statement)? */
  reserved?(name: string): boolean;
}

/** Operator expressions allowed (NOT, IS NULL, IN, COALESCE, `x[i]`, `s.f`, …). */
const OPERATORS = new Set(['OPERATOR_NOT', 'OPERATOR_IS_NULL', 'OPERATOR_IS_NOT_NULL', 'COMPARE_IN', 'COMPARE_NOT_IN', 'OPERATOR_COALESCE', 'ARRAY_EXTRACT', 'ARRAY_SLICE', 'STRUCT_EXTRACT']);
const SUBQUERY_TYPES = new Set(['SCALAR', 'EXISTS', 'NOT_EXISTS', 'ANY']);
const JOIN_REFS = new Set(['REGULAR', 'NATURAL', 'CROSS', 'ASOF', 'POSITIONAL']);

/** Type guards over the tree's JSON. */
const isNode = (v: Json | undefined): v is Node => !!v && typeof v === 'object' && !Array.isArray(v);
const list = (v: Json | undefined, what: string): Json[] => (Array.isArray(v) ? v : refuse('construct', `unexpected ${what}`));
const node = (v: Json | undefined, what: string): Node => (isNode(v) ? v : refuse('construct', `unexpected ${what}`));
const str = (v: Json | undefined, what: string): string => (typeof v === 'string' ? v : refuse('construct', `unexpected ${what}`));

/**
 * Each key a node may carry, and what its value is: nodes the caller walks (`walk`), a plain value
 * (`value`: a type tag, a setting such as a join type, or a name the caller checks itself), a name
 * the user wrote (`name`, `names`: never a reserved one), or something that must be empty
 * (`none`). A key the walker does not know (a new engine feature) refuses the statement rather
 * than passing unchecked.
 */
type Slot = 'walk' | 'value' | 'name' | 'names' | 'none';

export class Vetter {
  /** CTE scopes, innermost last: user name (lower-case) → generated name. */
  private scopes: Map<string, string>[] = [];
  /** Every CTE name the statement defines (lower-case), for the caller's shadowing rule. */
  readonly cteNames = new Set<string>();

  constructor(private names: VetNames) {}

  /** Check and rewrite a whole `json_serialize_sql` answer: exactly one SELECT statement. */
  document(doc: Node): void {
    if (doc.error) {
      const msg = String(doc.error_message ?? '').split('\n')[0];
      refuse('statement', doc.error_type === 'not implemented' ? '只允许一条 SELECT 语句 / only a SELECT statement is allowed' : `语法错误 / syntax error: ${msg}`);
    }
    const statements = list(doc.statements, 'statements');
    if (statements.length !== 1) refuse('statement', '只允许一条语句 / exactly one statement is allowed');
    this.statement(node(statements[0], 'statement'));
  }

  /** `{node, named_param_map}`: a SELECT statement (a query, or a subquery's). */
  private statement(s: Node): void {
    this.keys(s, { node: 'walk', named_param_map: 'walk' }, 'statement');
    if (list(s.named_param_map, 'parameters').length) refuse('parameter', '不允许参数 / parameters ($1, ?) are not allowed');
    this.query(node(s.node, 'query'));
  }

  private query(q: Node): void {
    const type = str(q.type, 'query');
    this.scoped(q, () => {
      this.modifiers(q.modifiers);
      switch (type) {
        case 'SELECT_NODE':
          if (q.sample !== null && q.sample !== undefined) refuse('construct', '不允许抽样 / USING SAMPLE / TABLESAMPLE is not allowed');
          this.keys(q, {
            type: 'value', modifiers: 'walk', cte_map: 'walk', select_list: 'walk', from_table: 'walk', where_clause: 'walk', group_expressions: 'walk',
            group_sets: 'walk', aggregate_handling: 'value', having: 'walk', sample: 'none', qualify: 'walk',
          }, 'SELECT');
          for (const set of list(q.group_sets, 'grouping sets')) if (!list(set, 'grouping set').every((i) => typeof i === 'number')) refuse('construct', 'unexpected grouping set');
          this.table(node(q.from_table, 'FROM'));
          for (const e of list(q.select_list, 'select list')) this.expr(e);
          for (const k of ['where_clause', 'having', 'qualify']) this.optExpr(q[k]);
          for (const e of list(q.group_expressions, 'GROUP BY')) this.expr(e);
          return;
        case 'SET_OPERATION_NODE':
          this.keys(q, { type: 'value', modifiers: 'walk', cte_map: 'walk', setop_type: 'value', setop_all: 'value', left: 'walk', right: 'walk' }, 'UNION');
          this.query(node(q.left, 'UNION'));
          this.query(node(q.right, 'UNION'));
          return;
        default:
          // RECURSIVE_CTE_NODE and CTE_NODE: recursion is refused (unbounded work under any row cap)
          refuse('construct', type === 'RECURSIVE_CTE_NODE' ? '不允许递归 CTE / recursive CTEs are not allowed' : `不支持的查询 / unsupported query (${type})`);
      }
    });
  }

  /** Run `body` with the CTEs of `q` in scope (renamed to generated names). */
  private scoped(q: Node, body: () => void): void {
    const map = node(q.cte_map, 'WITH');
    this.keys(map, { map: 'walk' }, 'WITH');
    const entries = list(map.map, 'WITH').map((e) => node(e, 'CTE'));
    if (!entries.length) return body();
    const scope = new Map<string, string>();
    for (const e of entries) {
      this.keys(e, { key: 'walk', value: 'walk' }, 'CTE');
      const name = this.name(str(e.key, 'CTE name')).toLowerCase();
      this.cteNames.add(name);
      e.key = this.names.cte(name);
      scope.set(name, e.key);
    }
    this.scopes.push(scope);
    try {
      for (const e of entries) {
        const def = node(e.value, 'CTE');
        this.keys(def, { aliases: 'names', query: 'walk', materialized: 'value', key_targets: 'none' }, 'CTE');
        this.statement(node(def.query, 'CTE'));
      }
      body();
    } finally {
      this.scopes.pop();
    }
  }

  private modifiers(v: Json | undefined): void {
    for (const m of list(v, 'modifiers').map((x) => node(x, 'modifier'))) {
      switch (m.type) {
        case 'ORDER_MODIFIER':
          this.keys(m, { type: 'value', orders: 'walk' }, 'ORDER BY');
          this.orders(m);
          break;
        case 'LIMIT_MODIFIER':
        case 'LIMIT_PERCENT_MODIFIER':
          this.keys(m, { type: 'value', limit: 'walk', offset: 'walk' }, 'LIMIT');
          this.optExpr(m.limit);
          this.optExpr(m.offset);
          break;
        case 'DISTINCT_MODIFIER':
          this.keys(m, { type: 'value', distinct_on_targets: 'walk' }, 'DISTINCT');
          for (const e of list(m.distinct_on_targets, 'DISTINCT ON')) this.expr(e);
          break;
        default:
          refuse('construct', `不支持的子句 / unsupported clause (${String(m.type)})`);
      }
    }
  }

  private orders(m: Node): void {
    for (const o of list(m.orders, 'ORDER BY').map((x) => node(x, 'ORDER BY'))) {
      this.keys(o, { type: 'value', null_order: 'value', expression: 'walk' }, 'ORDER BY');
      this.expr(o.expression);
    }
  }

  /** Where rows come from. */
  private table(t: Node): void {
    const type = str(t.type, 'FROM');
    if (t.sample !== null && t.sample !== undefined) refuse('construct', '不允许抽样 / USING SAMPLE / TABLESAMPLE is not allowed');
    switch (type) {
      case 'EMPTY':
        this.keys(t, { type: 'value', alias: 'name', sample: 'none' }, 'FROM');
        return;
      case 'BASE_TABLE': {
        this.keys(t, { type: 'value', alias: 'name', sample: 'none', schema_name: 'value', table_name: 'value', column_name_alias: 'names', catalog_name: 'value', at_clause: 'value' }, 'table');
        const name = this.name(str(t.table_name, 'table'));
        if (t.schema_name || t.catalog_name) refuse('qualified', `不允许带模式或库名的表 / qualified table names are not allowed: ${[t.catalog_name, t.schema_name, name].filter(Boolean).join('.')}`);
        if (t.at_clause) refuse('qualified', '不允许时间旅行子句 / AT (…) is not allowed');
        const lower = name.toLowerCase();
        const cte = this.inScope(lower);
        // the alias keeps `t.col` and `code.col` working after the rename
        if (!t.alias) t.alias = name;
        t.table_name = cte ?? this.names.table(lower);
        return;
      }
      case 'JOIN':
        this.keys(t, {
          type: 'value', alias: 'name', sample: 'none', left: 'walk', right: 'walk', condition: 'walk', join_type: 'value', ref_type: 'value',
          using_columns: 'names', delim_flipped: 'none', duplicate_eliminated_columns: 'none',
        }, 'JOIN');
        if (!JOIN_REFS.has(str(t.ref_type, 'JOIN'))) refuse('construct', `不支持的连接 / unsupported join (${String(t.ref_type)})`);
        this.table(node(t.left, 'JOIN'));
        this.table(node(t.right, 'JOIN'));
        this.optExpr(t.condition);
        return;
      case 'SUBQUERY':
        this.keys(t, { type: 'value', alias: 'name', sample: 'none', subquery: 'walk', column_name_alias: 'names' }, 'subquery');
        this.statement(node(t.subquery, 'subquery'));
        return;
      case 'EXPRESSION_LIST':
        // VALUES (…): constants and expressions, vetted like any other
        this.keys(t, { type: 'value', alias: 'name', sample: 'none', expected_names: 'none', expected_types: 'none', values: 'walk' }, 'VALUES');
        for (const row of list(t.values, 'VALUES')) for (const e of list(row, 'VALUES')) this.expr(e);
        return;
      case 'TABLE_FUNCTION':
        return refuse('construct', '不允许表函数（读文件、系统表等）/ table functions (file readers, system tables, …) are not allowed');
      case 'PIVOT':
        return refuse('construct', '不允许 PIVOT / UNPIVOT is not allowed');
      case 'SHOW_REF':
        return refuse('construct', '不允许 DESCRIBE / SUMMARIZE / SHOW is not allowed');
      default:
        return refuse('construct', `不支持的数据来源 / unsupported FROM item (${type})`);
    }
  }

  private optExpr(v: Json | undefined): void {
    if (v !== null && v !== undefined) this.expr(v);
  }

  private expr(v: Json | undefined): void {
    const e = node(v, 'expression');
    const cls = str(e.class, 'expression');
    switch (cls) {
      case 'CONSTANT':
        this.keys(e, { class: 'value', type: 'value', alias: 'name', value: 'value' }, 'constant');
        return;
      case 'COLUMN_REF': {
        this.keys(e, { class: 'value', type: 'value', alias: 'name', column_names: 'names' }, 'column');
        const parts = list(e.column_names, 'column').map((p) => str(p, 'column'));
        if (parts.length > 2) refuse('qualified', `不允许带模式或库名的列 / qualified column names are not allowed: ${parts.join('.')}`);
        if (parts.length === 1 && SESSION_WORDS.has(parts[0]!.toLowerCase())) refuse('function', `不允许的函数 / function not allowed: ${parts[0]}`);
        return;
      }
      case 'FUNCTION': {
        this.keys(e, {
          class: 'value', type: 'value', alias: 'name', function_name: 'value', schema: 'value', catalog: 'value', children: 'walk', filter: 'walk',
          order_bys: 'walk', distinct: 'value', is_operator: 'value', export_state: 'value',
        }, 'function');
        this.callable(e, SQL_FUNCTIONS);
        if (e.export_state) refuse('construct', 'EXPORT_STATE is not allowed');
        for (const c of list(e.children, 'arguments')) this.expr(c);
        this.optExpr(e.filter);
        const orders = node(e.order_bys, 'ORDER BY');
        this.keys(orders, { type: 'value', orders: 'walk' }, 'ORDER BY');
        this.orders(orders);
        return;
      }
      case 'WINDOW':
        this.keys(e, {
          class: 'value', type: 'value', alias: 'name', function_name: 'value', schema: 'value', catalog: 'value', children: 'walk', partitions: 'walk',
          orders: 'walk', start: 'value', end: 'value', start_expr: 'walk', end_expr: 'walk', offset_expr: 'walk', default_expr: 'walk',
          ignore_nulls: 'value', filter_expr: 'walk', exclude_clause: 'value', distinct: 'value', arg_orders: 'walk',
        }, 'window');
        this.callable(e, SQL_WINDOW_FUNCTIONS);
        for (const k of ['children', 'partitions']) for (const c of list(e[k], 'window')) this.expr(c);
        for (const k of ['start_expr', 'end_expr', 'offset_expr', 'default_expr', 'filter_expr']) this.optExpr(e[k]);
        for (const k of ['orders', 'arg_orders']) this.orders({ orders: e[k] ?? [] });
        return;
      case 'COMPARISON':
        this.keys(e, { class: 'value', type: 'value', alias: 'name', left: 'walk', right: 'walk' }, 'comparison');
        this.expr(e.left);
        this.expr(e.right);
        return;
      case 'CONJUNCTION':
        this.keys(e, { class: 'value', type: 'value', alias: 'name', children: 'walk' }, 'AND/OR');
        for (const c of list(e.children, 'AND/OR')) this.expr(c);
        return;
      case 'OPERATOR':
        this.keys(e, { class: 'value', type: 'value', alias: 'name', children: 'walk' }, 'operator');
        if (!OPERATORS.has(str(e.type, 'operator'))) refuse('construct', `不支持的运算符 / unsupported operator (${String(e.type)})`);
        for (const c of list(e.children, 'operator')) this.expr(c);
        return;
      case 'BETWEEN':
        this.keys(e, { class: 'value', type: 'value', alias: 'name', input: 'walk', lower: 'walk', upper: 'walk' }, 'BETWEEN');
        for (const k of ['input', 'lower', 'upper']) this.expr(e[k]);
        return;
      case 'CASE':
        this.keys(e, { class: 'value', type: 'value', alias: 'name', case_checks: 'walk', else_expr: 'walk' }, 'CASE');
        for (const c of list(e.case_checks, 'CASE').map((x) => node(x, 'CASE'))) {
          this.keys(c, { when_expr: 'walk', then_expr: 'walk' }, 'CASE');
          this.expr(c.when_expr);
          this.expr(c.then_expr);
        }
        this.optExpr(e.else_expr);
        return;
      case 'CAST':
        this.keys(e, { class: 'value', type: 'value', alias: 'name', child: 'walk', cast_type: 'walk', try_cast: 'value' }, 'CAST');
        this.castType(e.cast_type);
        this.expr(e.child);
        return;
      case 'COLLATE':
        this.keys(e, { class: 'value', type: 'value', alias: 'name', child: 'walk', collation: 'value' }, 'COLLATE');
        str(e.collation, 'COLLATE');
        this.expr(e.child);
        return;
      case 'SUBQUERY':
        this.keys(e, { class: 'value', type: 'value', alias: 'name', subquery_type: 'value', subquery: 'walk', child: 'walk', comparison_type: 'value' }, 'subquery');
        if (!SUBQUERY_TYPES.has(str(e.subquery_type, 'subquery'))) refuse('construct', `不支持的子查询 / unsupported subquery (${String(e.subquery_type)})`);
        this.statement(node(e.subquery, 'subquery'));
        this.optExpr(e.child);
        return;
      case 'STAR':
        this.star(e);
        return;
      case 'POSITIONAL_REFERENCE':
        this.keys(e, { class: 'value', type: 'value', alias: 'name', index: 'value' }, 'positional reference');
        return;
      case 'PARAMETER':
        return refuse('parameter', '不允许参数 / parameters ($1, ?) are not allowed');
      case 'LAMBDA':
        return refuse('construct', '不允许 lambda 表达式（含 -> 运算符）/ lambdas (and the -> operator) are not allowed');
      default:
        return refuse('construct', `不支持的表达式 / unsupported expression (${cls})`);
    }
  }

  /** `*`, `t.*`, `* EXCLUDE (…)`, `* REPLACE (…)`, `COLUMNS('regex')`. */
  private star(e: Node): void {
    this.keys(e, {
      class: 'value', type: 'value', alias: 'name', relation_name: 'name', exclude_list: 'names', replace_list: 'walk', columns: 'value', expr: 'walk',
      qualified_exclude_list: 'none', rename_list: 'none', unpacked: 'value',
    }, '*');
    if (e.unpacked) refuse('construct', '不支持的 * 写法 / unsupported *COLUMNS');
    for (const r of list(e.replace_list, 'REPLACE').map((x) => node(x, 'REPLACE'))) {
      this.keys(r, { key: 'name', value: 'walk' }, 'REPLACE');
      this.expr(r.value);
    }
    if (e.expr !== null && e.expr !== undefined) {
      // COLUMNS(…) takes a constant regular expression (or list of names) only, never a lambda
      const x = node(e.expr, 'COLUMNS');
      if (!e.columns || x.class !== 'CONSTANT') refuse('construct', 'COLUMNS(…) 只接受常量 / COLUMNS(…) takes a constant only');
      this.expr(x);
    }
  }

  /** A function call: allowed by name, unqualified (bar the parser's own `main.` forms). */
  private callable(e: Node, allowed: ReadonlySet<string>): void {
    const name = str(e.function_name, 'function').toLowerCase();
    const schema = str(e.schema ?? '', 'function');
    const qualified = !!e.catalog || (schema !== '' && !(schema === 'main' && PARSER_QUALIFIED.has(name)));
    if (qualified || !allowed.has(name)) refuse('function', `不允许的函数 / function not allowed: ${[e.catalog, schema, name].filter(Boolean).join('.')}`);
  }

  /**
   * A CAST's target: built-in types only. The parser leaves names it does not know itself unbound
   * (`leak_type`, `main.t`); of those only `JSON` is the engine's own.
   */
  private castType(t: Json | undefined): void {
    const walk = (v: Json | undefined): void => {
      if (Array.isArray(v)) return v.forEach(walk);
      if (!isNode(v)) return;
      if (v.id === 'USER' || v.id === 'UNBOUND') {
        const info = isNode(v.type_info) ? v.type_info : {};
        const builtin = typeof info.name === 'string' && info.name.toLowerCase() === 'json' && !info.schema && !info.catalog;
        if (!builtin) refuse('construct', `不支持的类型 / type not allowed: ${String(info.name ?? v.id)}`);
      }
      Object.values(v).forEach(walk);
    };
    walk(t);
  }

  /** The generated name of CTE `name` if one is in scope (innermost first). */
  private inScope(name: string): string | undefined {
    for (let i = this.scopes.length - 1; i >= 0; i--) {
      const hit = this.scopes[i]!.get(name);
      if (hit) return hit;
    }
    return undefined;
  }

  /** A name the user wrote: never one of the platform's reserved names. */
  private name(n: string): string {
    if (n.startsWith(RESERVED_PREFIX) && !this.names.reserved?.(n)) refuse('reserved-name', `名称不能以 __ 开头 / names starting with __ are reserved: ${n}`);
    return n;
  }

  private optName(v: Json | undefined): void {
    if (typeof v === 'string' && v) this.name(v);
  }

  /** Check a node's keys against its slots (names and "none" slots checked here, the rest by the caller). */
  private keys(n: Node, slots: Record<string, Slot>, what: string): void {
    for (const [k, v] of Object.entries(n)) {
      const slot = slots[k];
      if (k === 'query_location') continue;
      if (!slot) refuse('construct', `不支持的写法 / unsupported ${what} (${k})`);
      if (slot === 'name') this.optName(v);
      else if (slot === 'names') for (const x of list(v, what)) this.name(str(x, what));
      else if (slot === 'none' && v !== null && !(Array.isArray(v) && !v.length) && v !== '' && v !== false) refuse('construct', `不支持的写法 / unsupported ${what} (${k})`);
    }
  }
}

/** Check and rewrite a parsed statement in place; returns the CTE names it defines (lower-cased). */
export function vetStatement(doc: Node, names: VetNames): Set<string> {
  const v = new Vetter(names);
  v.document(doc);
  return v.cteNames;
}
