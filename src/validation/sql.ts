// Quoting for the SQL the compiler writes. Every name and value from a spec or a file goes through
// one of these; nothing is spliced into SQL unquoted.

/** A quoted identifier: `"Body Mass (g)"`. */
export function ident(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** A quoted string literal. */
export function str(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/** A numeric literal DuckDB reads back as the same double. */
export function num(value: number): string {
  if (!Number.isFinite(value)) return `'${value > 0 ? 'inf' : value < 0 ? '-inf' : 'nan'}'::DOUBLE`;
  return String(value);
}

/** A literal for a scalar from a spec. */
export function literal(value: string | number | boolean): string {
  if (typeof value === 'number') return num(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  return str(value);
}

/** A DuckDB list literal. */
export function list(items: readonly string[]): string {
  return `[${items.join(', ')}]`;
}

/** A user query without surrounding space and its trailing semicolon, to embed in a WITH. */
export function trimQuery(sql: string): string {
  return sql.trim().replace(/;\s*$/, '');
}

/** Text as printed in results: absolute paths under `root` (in SQL, in messages) become relative. */
export function relativize(root: string, text: string): string {
  return text.split(root.endsWith('/') ? root : `${root}/`).join('');
}
