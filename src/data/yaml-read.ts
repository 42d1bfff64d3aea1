import { isMap, isScalar, isSeq, type Node as YamlNode } from 'yaml';
import { SpecError } from '../errors.ts';
import { parseYaml, type YamlSource } from '../spec/yaml-source.ts';
import { PyFloat, type YamlValue } from './yaml-emit.ts';

const floatSource = /^[-+]?(?:\.[0-9]|[0-9]).*[.eE]|^[-+]?\.(?:inf|Inf|INF)$|^\.(?:nan|NaN|NAN)$/;

/**
 * A YAML node as plain data that keeps what a DVC round trip needs: mapping order (as Maps,
 * so keys such as "1" keep their place) and integral floats (`1.0`) as PyFloat.
 */
export function nodeValue(node: unknown): YamlValue {
  if (isMap(node)) {
    const map = new Map<string, YamlValue>();
    for (const pair of node.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
      map.set(key, nodeValue(pair.value));
    }
    return map;
  }
  if (isSeq(node)) return node.items.map((item) => nodeValue(item));
  if (isScalar(node)) {
    const v = node.value;
    if (typeof v === 'number') {
      const source = typeof node.source === 'string' ? node.source : '';
      return Number.isInteger(v) && floatSource.test(source) ? new PyFloat(v) : v;
    }
    if (typeof v === 'string' || typeof v === 'boolean' || v === null) return v;
    return typeof v === 'bigint' ? v.toString() : JSON.stringify(v);
  }
  return null;
}

/** Parse a YAML file DVC wrote; syntax errors become a SpecError naming file:line:col. */
export function parseDvcYaml(file: string, text: string): YamlSource {
  const parsed = parseYaml(file, text);
  if (parsed.diagnostics.length > 0) {
    throw new SpecError(parsed.diagnostics, { hint: `fix the YAML syntax of ${file}` });
  }
  return parsed.source;
}

/** The root node of a parsed document. */
export function rootNode(source: YamlSource): YamlNode | null {
  return source.doc.contents;
}

/** A scalar read from YAML as text (numbers written where a string was expected included). */
export function scalarText(value: YamlValue | undefined): string | undefined {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean'
    ? String(value)
    : undefined;
}
