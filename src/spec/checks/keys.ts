/** Dotted keys of every leaf and branch of a params mapping (`train`, `train.lr`). */
export function flattenKeys(value: unknown, prefix = '', out: string[] = []): string[] {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return out;
  for (const [key, child] of Object.entries(value)) {
    const full = prefix === '' ? key : `${prefix}.${key}`;
    out.push(full);
    flattenKeys(child, full, out);
  }
  return out;
}
