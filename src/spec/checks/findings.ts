import type { Diagnostic, Severity } from '../../diagnostic.ts';
import { locate, type YamlPath, type YamlSource } from '../yaml-source.ts';

/** Collects positioned findings for the cross-checks. */
export class Findings {
  readonly list: Diagnostic[] = [];

  error(
    source: YamlSource,
    path: YamlPath,
    message: string,
    code: string,
    at: 'value' | 'key' = 'value',
  ): void {
    this.add('error', source, path, message, code, at);
  }

  warn(
    source: YamlSource,
    path: YamlPath,
    message: string,
    code: string,
    at: 'value' | 'key' = 'value',
  ): void {
    this.add('warning', source, path, message, code, at);
  }

  private add(
    severity: Severity,
    source: YamlSource,
    path: YamlPath,
    message: string,
    code: string,
    at: 'value' | 'key',
  ): void {
    this.list.push({
      file: source.file,
      span: locate(source, path, at),
      severity,
      code,
      message,
      path,
    });
  }
}

/** `pipelines/a.yaml:3:5`, to point from one finding to another place. */
export function where(source: YamlSource, path: YamlPath): string {
  const span = locate(source, path);
  return `${source.file}:${span.line}:${span.col}`;
}
