import {
  isAlias,
  isMap,
  isPair,
  isScalar,
  isSeq,
  LineCounter,
  parseDocument,
  type Document,
  type Node as YamlNode,
} from 'yaml';
import type { Diagnostic, SourceSpan } from '../diagnostic.ts';

export type YamlPath = readonly (string | number)[];

/** A parsed YAML file that can answer "where is this value?" for any path into it. */
export interface YamlSource {
  file: string;
  text: string;
  doc: Document.Parsed;
  lines: LineCounter;
  /** The plain value (`toJS`), or undefined when the file did not parse. */
  value: unknown;
}

const yamlErrorMessages: Record<string, string> = {
  DUPLICATE_KEY: 'duplicate key',
  TAB_AS_INDENT: 'tabs are not allowed as indentation',
  MULTIPLE_DOCS: 'a spec file holds one YAML document; remove the extra "---"',
};

/** Aliases are resolved, but a file may not expand past this many alias uses (billion laughs). */
const maxAliasCount = 100;

export function parseYaml(
  file: string,
  text: string,
): { source: YamlSource; diagnostics: Diagnostic[] } {
  const lines = new LineCounter();
  const doc = parseDocument(text, {
    lineCounter: lines,
    prettyErrors: false,
    uniqueKeys: true,
    strict: true,
  });
  const diagnostics: Diagnostic[] = [];
  for (const error of doc.errors) {
    const message = yamlErrorMessages[error.code] ?? lowerFirst(error.message);
    diagnostics.push({
      file,
      span: spanOf(lines, error.pos[0], error.pos[1]),
      severity: 'error',
      code: error.code === 'DUPLICATE_KEY' ? 'duplicate-key' : 'yaml-syntax',
      message: error.code === 'DUPLICATE_KEY' ? duplicateKeyMessage(text, error.pos) : message,
    });
  }
  let value: unknown;
  if (diagnostics.length === 0) {
    try {
      value = doc.toJS({ maxAliasCount });
    } catch (error) {
      diagnostics.push({
        file,
        span: spanOf(lines, 0, 0),
        severity: 'error',
        code: 'yaml-syntax',
        message: lowerFirst(error instanceof Error ? error.message : String(error)),
      });
    }
  }
  return { source: { file, text, doc, lines, value }, diagnostics };
}

function duplicateKeyMessage(text: string, pos: readonly [number, number]): string {
  const lineEnd = text.indexOf('\n', pos[0]);
  const rest = text.slice(pos[0], lineEnd === -1 ? undefined : lineEnd);
  const key = /^\s*["']?([^"':]+)["']?\s*:/.exec(rest)?.[1]?.trim();
  return key ? `duplicate key "${key}"` : 'duplicate key';
}

function lowerFirst(s: string): string {
  return s.length > 0 ? s[0]!.toLowerCase() + s.slice(1) : s;
}

export function spanOf(lines: LineCounter, start: number, end: number): SourceSpan {
  const a = lines.linePos(start);
  const b = lines.linePos(Math.max(start, end));
  return { line: a.line, col: a.col, endLine: b.line, endCol: b.col };
}

interface Located {
  /** The deepest node reached along the path. */
  node: YamlNode | undefined;
  /** The key of the deepest map entry reached, if the path ended inside a map. */
  key: YamlNode | undefined;
  /** How many path segments were resolved. */
  depth: number;
}

function keyText(key: unknown): string | undefined {
  if (isScalar(key)) return String(key.value);
  return undefined;
}

/** Walk the document along `path` as far as it goes. */
export function walk(source: YamlSource, path: YamlPath): Located {
  let node: unknown = source.doc.contents;
  let key: YamlNode | undefined;
  let depth = 0;
  for (const segment of path) {
    if (isAlias(node)) node = node.resolve(source.doc);
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && keyText(p.key) === String(segment));
      if (!pair) break;
      key = pair.key as YamlNode;
      node = pair.value ?? undefined;
    } else if (isSeq(node) && typeof segment === 'number') {
      const item = node.items[segment];
      if (item === undefined) break;
      key = undefined;
      node = item;
    } else {
      break;
    }
    depth++;
  }
  return { node: (node ?? undefined) as YamlNode | undefined, key, depth };
}

/**
 * The span to report for `path`: its value node, or its key when `at` is 'key' (unknown keys) or
 * when the value is empty. If the path does not exist, the deepest key on the way (a missing
 * field is reported at its parent's key).
 */
export function locate(
  source: YamlSource,
  path: YamlPath,
  at: 'value' | 'key' = 'value',
  needle?: string,
): SourceSpan {
  const found = walk(source, path);
  const complete = found.depth === path.length;
  let target: YamlNode | undefined;
  // A whole mapping or list is pointed at by its key ("a stage needs cmd" at `train:`).
  const collection = found.node !== undefined && (isMap(found.node) || isSeq(found.node));
  if (complete && (at === 'key' || collection) && found.key) target = found.key;
  else if (complete && found.node && !isEmptyScalar(found.node)) target = found.node;
  else target = found.key ?? found.node;
  const range = target?.range;
  if (!range) return spanOf(source.lines, 0, 0);
  if (needle !== undefined && isScalar(target)) {
    // Narrow to a part of the scalar (a ${...} inside a command) when it appears as written.
    const i = source.text.slice(range[0], range[1]).indexOf(needle);
    if (i >= 0) return spanOf(source.lines, range[0] + i, range[0] + i + needle.length);
  }
  // A collection's span is reported as its first line only: underlining a whole map is noise.
  const end = isMap(target) || isSeq(target) ? lineEnd(source.text, range[0]) : range[1];
  return spanOf(source.lines, range[0], end);
}

function isEmptyScalar(node: YamlNode): boolean {
  return isScalar(node) && node.value === null && node.source === '';
}

function lineEnd(text: string, offset: number): number {
  const i = text.indexOf('\n', offset);
  return i === -1 ? text.length : i;
}
