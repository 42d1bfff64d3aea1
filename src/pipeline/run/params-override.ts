import { isScalar, parseDocument } from 'yaml';
import { isFloatSource } from '../../python.ts';
import type { Assignment } from '../sweep.ts';

/**
 * A params file's text with `values` set at their dotted keys (`train.lr`), through the yaml
 * Document API so comments, key order and quoting survive. A float stays a float (`1.0`, not
 * `1`) so a script reading the file sees the type it saw before.
 */
export function setParams(text: string, values: Assignment): string {
  const doc = parseDocument(text);
  for (const [key, value] of Object.entries(values)) {
    const path = key.split('.');
    const node = doc.getIn(path, true);
    if (!isScalar(node)) {
      doc.setIn(path, value);
      continue;
    }
    const wasFloat = typeof node.value === 'number' && isFloatSource(node.source ?? '');
    node.value = value;
    if (wasFloat && typeof value === 'number' && Number.isInteger(value))
      node.minFractionDigits = Math.max(node.minFractionDigits ?? 0, 1);
  }
  return doc.toString();
}
