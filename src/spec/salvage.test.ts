import * as z from 'zod';
import { describe, expect, it } from 'vitest';
import { salvage } from './salvage.ts';

const Thing = z.strictObject({
  name: z.string(),
  size: z.number().optional(),
  parts: z.record(z.string(), z.strictObject({ n: z.number() })).optional(),
});

describe('salvage', () => {
  it('keeps the valid fields and entries of an invalid object', () => {
    const value = { name: 'a', size: 'big', parts: { x: { n: 1 }, y: { n: 'two' } }, extra: 1 };
    expect(salvage(Thing, value, ['parts'])).toEqual({ name: 'a', parts: { x: { n: 1 } } });
    expect(salvage(Thing, value)).toEqual({ name: 'a' });
  });

  it('gives up when a required field is broken', () => {
    expect(salvage(Thing, { name: 3, size: 1 })).toBeUndefined();
    expect(salvage(Thing, 'not an object')).toBeUndefined();
  });
});
