import type { z } from 'zod';

type AnySchema = z.core.$ZodType;

interface Def {
  type: string;
  shape?: Record<string, AnySchema>;
  innerType?: AnySchema;
  valueType?: AnySchema;
}

const def = (s: AnySchema) => s._zod.def as unknown as Def;

function unwrap(schema: AnySchema): AnySchema {
  let s = schema;
  while (['optional', 'default', 'nullable'].includes(def(s).type) && def(s).innerType)
    s = def(s).innerType!;
  return s;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * The parts of an invalid spec that are valid on their own: each top-level field that passes its
 * schema, and for the fields named in `entries` (a pipeline's stages) each entry that passes.
 * Cross-checks run on what is salvaged, so one typo does not hide every other error in the file;
 * checks that resolve names inside a partial file are skipped, since the name may be in a part
 * that was dropped. Undefined when even the salvaged object fails (a required field is broken).
 */
export function salvage<T extends z.ZodType>(
  schema: T,
  value: unknown,
  entries: readonly string[] = [],
): z.infer<T> | undefined {
  const shape = def(schema).shape;
  if (!shape || !isRecord(value)) return undefined;
  const kept: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(shape)) {
    if (!Object.hasOwn(value, key)) continue;
    const whole = field['~standard'].validate(value[key]);
    if (!(whole instanceof Promise) && !whole.issues) {
      kept[key] = whole.value;
      continue;
    }
    const inner = unwrap(field);
    const entry = def(inner).valueType;
    if (entries.includes(key) && def(inner).type === 'record' && entry && isRecord(value[key])) {
      const entries: Record<string, unknown> = {};
      for (const [name, item] of Object.entries(value[key])) {
        const r = entry['~standard'].validate(item);
        if (!(r instanceof Promise) && !r.issues) entries[name] = r.value;
      }
      const r = field['~standard'].validate(entries);
      if (!(r instanceof Promise) && !r.issues) kept[key] = r.value;
    }
  }
  const result = schema.safeParse(kept);
  return result.success ? result.data : undefined;
}
