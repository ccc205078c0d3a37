/**
 * The functions analyst SQL may call, by name (lower-case). An explicit allow-list: a function the
 * engine adds in a later release is refused until someone reads it and adds it here. Left out on
 * purpose: anything that touches files, settings, the session or the catalog (`read_*`, `glob`,
 * `getenv`, `current_setting`, `duckdb_*`, `pragma_*`, `query`, …), sequences and randomness, and
 * the functions that make huge values out of little (`repeat`, `lpad`, `range`, `list_resize`,
 * `printf`, …), which a time cap alone does not stop before memory runs out.
 */

/** Operators as the parser names them (`+`, `LIKE` is `~~`, …). */
const OPERATORS = ['+', '-', '*', '/', '//', '%', '**', '^', '||', '~~', '!~~', '~~*', '!~~*', '&', '|', '<<', '>>', '~'];

const STRING = [
  'lower', 'upper', 'lcase', 'ucase', 'length', 'char_length', 'character_length', 'strlen', 'octet_length', 'bit_length',
  'substring', 'substr', 'left', 'right', 'trim', 'ltrim', 'rtrim', 'replace', 'translate', 'concat', 'concat_ws', 'contains',
  'starts_with', 'ends_with', 'prefix', 'suffix', 'strpos', 'position', 'instr', 'split_part', 'string_split', 'str_split',
  'regexp_matches', 'regexp_replace', 'regexp_extract', 'regexp_full_match', 'reverse', 'ascii', 'chr', 'unicode',
  'nfc_normalize', 'strip_accents', 'levenshtein', 'damerau_levenshtein', 'hamming', 'jaccard', 'jaro_similarity',
  'jaro_winkler_similarity', 'like_escape', 'not_like_escape', 'ilike_escape', 'not_ilike_escape',
];

const MATH = [
  'abs', 'ceil', 'ceiling', 'floor', 'round', 'round_even', 'trunc', 'sign', 'sqrt', 'cbrt', 'pow', 'power', 'exp', 'ln', 'log',
  'log2', 'log10', 'fmod', 'greatest', 'least', 'pi', 'degrees', 'radians', 'sin', 'cos', 'tan', 'asin', 'acos', 'atan', 'atan2',
  'isnan', 'isinf', 'isfinite', 'even', 'gcd', 'lcm', 'bit_count', 'xor', 'divide', 'add', 'subtract', 'multiply',
];

const DATE = [
  'current_date', 'now', 'today', 'date_part', 'datepart', 'date_trunc', 'datetrunc', 'date_diff', 'datediff',
  'date_sub', 'datesub', 'year', 'month', 'day', 'dayofmonth', 'dayofweek', 'dayofyear', 'week', 'weekofyear', 'weekday',
  'isodow', 'isoyear', 'yearweek', 'quarter', 'hour', 'minute', 'second', 'millisecond', 'microsecond', 'epoch', 'epoch_ms',
  'strftime', 'strptime', 'try_strptime', 'make_date', 'make_time', 'make_timestamp', 'last_day', 'monthname', 'dayname', 'age',
  'time_bucket', 'to_timestamp', 'to_years', 'to_months', 'to_weeks', 'to_days', 'to_hours', 'to_minutes', 'to_seconds',
  'era', 'decade', 'century', 'millennium',
];

const CONDITIONAL = ['nullif', 'typeof', 'list_value', 'struct_pack', 'row', 'list_contains', 'list_has', 'len', 'array_length', 'list_extract', 'array_extract', 'to_json'];

const AGGREGATE = [
  'count', 'count_star', 'count_if', 'countif', 'sum', 'avg', 'mean', 'min', 'max', 'median', 'mode', 'stddev', 'stddev_pop',
  'stddev_samp', 'var_pop', 'var_samp', 'variance', 'string_agg', 'group_concat', 'listagg', 'list', 'array_agg', 'first', 'last',
  'any_value', 'arbitrary', 'arg_min', 'arg_max', 'argmin', 'argmax', 'min_by', 'max_by', 'bool_and', 'bool_or', 'product', 'fsum',
  'favg', 'quantile', 'quantile_cont', 'quantile_disc', 'approx_count_distinct', 'approx_quantile', 'corr', 'covar_pop',
  'covar_samp', 'regr_slope', 'regr_intercept', 'regr_r2', 'regr_count', 'regr_avgx', 'regr_avgy', 'entropy', 'kurtosis',
  'skewness', 'mad',
];

/** Functions only a window (`OVER (…)`) may call. */
const WINDOW = ['row_number', 'rank', 'dense_rank', 'percent_rank', 'cume_dist', 'ntile', 'lag', 'lead', 'first_value', 'last_value', 'nth_value'];

/** Callable anywhere (scalar and aggregate functions and operators). */
export const SQL_FUNCTIONS: ReadonlySet<string> = new Set([...OPERATORS, ...STRING, ...MATH, ...DATE, ...CONDITIONAL, ...AGGREGATE]);
/** Callable over a window: the window functions and the aggregates. */
export const SQL_WINDOW_FUNCTIONS: ReadonlySet<string> = new Set([...WINDOW, ...AGGREGATE]);
/**
 * Functions the parser itself writes schema-qualified (`[1, 2]` is `main.list_value(1, 2)`,
 * `EXTRACT(year FROM d)` is `main.date_part('year', d)`): only these may carry the schema `main`.
 */
export const PARSER_QUALIFIED: ReadonlySet<string> = new Set(['list_value', 'date_part', 'struct_pack', 'row']);
/**
 * Bare words the engine binds as functions of the session when no column has that name
 * (`SELECT current_user`): only the clock ones are allowed.
 */
export const SESSION_WORDS: ReadonlySet<string> = new Set(['current_catalog', 'current_schema', 'current_role', 'current_user', 'session_user', 'user', 'current_database', 'current_query', 'current_setting']);
