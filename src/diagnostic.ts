/** A 1-based source range inside a text file. */
export interface SourceSpan {
  line: number;
  col: number;
  endLine: number;
  endCol: number;
}

export type Severity = 'error' | 'warning';

/**
 * One finding about one file. `span` is absent when the finding concerns the file as a whole
 * (a missing file, say). `code` is stable and meant for machines; `message` is for people.
 */
export interface Diagnostic {
  file: string;
  span?: SourceSpan;
  severity: Severity;
  code: string;
  message: string;
  /** Where in the YAML document, as keys and indexes. */
  path?: readonly (string | number)[];
}

export function compareDiagnostics(a: Diagnostic, b: Diagnostic): number {
  if (a.file !== b.file) return a.file < b.file ? -1 : 1;
  const al = a.span?.line ?? 0;
  const bl = b.span?.line ?? 0;
  if (al !== bl) return al - bl;
  const ac = a.span?.col ?? 0;
  const bc = b.span?.col ?? 0;
  if (ac !== bc) return ac - bc;
  return a.message < b.message ? -1 : a.message > b.message ? 1 : 0;
}

/** `file:line:col` (or just `file`), the prefix every editor and terminal links. */
export function formatLocation(d: Pick<Diagnostic, 'file' | 'span'>): string {
  return d.span ? `${d.file}:${d.span.line}:${d.span.col}` : d.file;
}
