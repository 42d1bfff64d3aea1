import type { Diagnostic, Severity } from '../diagnostic.ts';
import { locate, type YamlPath, type YamlSource } from './yaml-source.ts';

export type Anchor = 'value' | 'key';

/** A diagnostic at `path` in a YAML file: its value, its key, or a `needle` inside a scalar. */
export function diagnosticAt(
  source: YamlSource,
  path: YamlPath,
  message: string,
  code: string,
  options: { at?: Anchor; needle?: string | undefined; severity?: Severity } = {},
): Diagnostic {
  return {
    file: source.file,
    span: locate(source, path, options.at ?? 'value', options.needle),
    severity: options.severity ?? 'error',
    code,
    message,
    path,
  };
}

/** The findings about one file, for code that works on one file at a time. */
export interface FileFindings {
  readonly source: YamlSource;
  readonly list: readonly Diagnostic[];
  add(path: YamlPath, message: string, code?: string, at?: Anchor, needle?: string): void;
  addAll(diagnostics: readonly Diagnostic[]): void;
}

/** Collects positioned findings. */
export class Findings {
  readonly list: Diagnostic[] = [];

  error(
    source: YamlSource,
    path: YamlPath,
    message: string,
    code: string,
    at: Anchor = 'value',
  ): void {
    this.list.push(diagnosticAt(source, path, message, code, { at }));
  }

  warn(
    source: YamlSource,
    path: YamlPath,
    message: string,
    code: string,
    at: Anchor = 'value',
  ): void {
    this.list.push(diagnosticAt(source, path, message, code, { at, severity: 'warning' }));
  }

  in(source: YamlSource): FileFindings {
    const list = this.list;
    return {
      source,
      list,
      add: (path, message, code = 'template', at = 'value', needle) =>
        list.push(diagnosticAt(source, path, message, code, { at, needle })),
      addAll: (diagnostics) => list.push(...diagnostics),
    };
  }
}

/** `pipelines/a.yaml:3:5`, to point from one finding to another place. */
export function where(source: YamlSource, path: YamlPath): string {
  const span = locate(source, path);
  return `${source.file}:${span.line}:${span.col}`;
}
