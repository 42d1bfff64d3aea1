import { describe, expect, it } from 'vitest';
import { diffSnapshots, type DiffResult } from './diff.ts';
import { PyFloat } from './pyvalue.ts';
import { diffTable, pythonJson, renderTable } from './table.ts';

// Expected outputs are DVC's own (tests/unit/test_compare.py, tests/func/metrics/test_diff.py).
const sample: DiffResult = {
  'metrics.yaml': {
    'x.b': { old: 5, new: 6 },
    'a.d.e': { old: 3, new: 4, diff: 1 },
    'a.b.c': { old: 1, new: 2, diff: 1 },
  },
};

describe('diff table', () => {
  it('prints the plain table DVC prints, rows sorted by key', () => {
    expect(renderTable(diffTable(sample, { title: 'Metric' }), false)).toBe(
      [
        'Path          Metric    HEAD    workspace    Change',
        'metrics.yaml  a.b.c     1       2            1',
        'metrics.yaml  a.d.e     3       4            1',
        'metrics.yaml  x.b       5       6            -',
        '',
      ].join('\n'),
    );
  });

  it('prints the Markdown table DVC prints, with its trailing blank line', () => {
    expect(renderTable(diffTable(sample, { title: 'Metric' }), true)).toBe(
      [
        '| Path         | Metric   | HEAD   | workspace   | Change   |',
        '|--------------|----------|--------|-------------|----------|',
        '| metrics.yaml | a.b.c    | 1      | 2           | 1        |',
        '| metrics.yaml | a.d.e    | 3      | 4           | 1        |',
        '| metrics.yaml | x.b      | 5      | 6           | -        |',
        '',
        '',
      ].join('\n'),
    );
  });

  it('prints only the header of an empty Markdown diff and nothing in plain', () => {
    expect(renderTable(diffTable({}, { title: 'Metric' }), true)).toBe(
      '| Path   | Metric   | HEAD   | workspace   | Change   |\n|--------|----------|--------|-------------|----------|\n\n',
    );
    expect(renderTable(diffTable({}, { title: 'Metric' }), false)).toBe('');
  });

  it('rounds floats to the precision and keeps ints, lists and dicts as Python prints them', () => {
    const diff: DiffResult = { 'm.json': { 'a.b.c': { old: 1.1234, new: 2.2345, diff: 3.3456 } } };
    expect(diffTable(diff, { title: 'Metric', precision: 3 })[1]).toEqual([
      'm.json',
      'a.b.c',
      '1.123',
      '2.235',
      '3.346',
    ]);
    const falsey: DiffResult = {
      'm.yaml': { 'x.b': { old: 0, new: new PyFloat(0), diff: new PyFloat(0) } },
    };
    expect(diffTable(falsey, { title: 'Metric' })[1]).toEqual(['m.yaml', 'x.b', '0', '0.0', '0.0']);
    const composite: DiffResult = {
      'params.yaml': {
        'a.b.c': { old: 1, new: [2, 3] },
        'a.b.d': { old: 1, new: { foo: 3, bar: 3 } },
      },
    };
    expect(diffTable(composite, { title: 'Param' }).slice(1)).toEqual([
      ['params.yaml', 'a.b.c', '1', '[2, 3]', '-'],
      ['params.yaml', 'a.b.d', '1', "{'foo': 3, 'bar': 3}", '-'],
    ]);
  });

  it('drops Path with noPath and Change for params', () => {
    const one: DiffResult = { 'metrics.json': { 'a.b.c': { old: 1, new: 2, diff: 3 } } };
    expect(diffTable(one, { title: 'Metric', noPath: true })).toEqual([
      ['Metric', 'HEAD', 'workspace', 'Change'],
      ['a.b.c', '1', '2', '3'],
    ]);
    expect(
      diffTable(one, { title: 'Param', showChanges: false, aRev: 'main', bRev: 'HEAD' })[0],
    ).toEqual(['Path', 'Param', 'main', 'HEAD']);
  });
});

describe('diffSnapshots (DVC semantics)', () => {
  it('reports changed values with a numeric diff, new and deleted keys with null', () => {
    const diff = diffSnapshots(
      { 'm.json': { data: { a: 1, b: { c: 0.5, gone: 'x' }, same: 7 } } },
      { 'm.json': { data: { a: 3, b: { c: 0.75, added: true }, same: 7 } } },
    );
    expect(diff).toEqual({
      'm.json': {
        a: { old: 1, new: 3, diff: 2 },
        'b.c': { old: 0.5, new: 0.75, diff: 0.25 },
        'b.gone': { old: 'x', new: null },
        'b.added': { old: null, new: true },
      },
    });
  });

  it('keeps unchanged values with all, unwraps one-element lists, diffs a scalar file under ""', () => {
    expect(
      diffSnapshots({ 'm.json': { data: { a: [1] } } }, { 'm.json': { data: { a: [2] } } }),
    ).toEqual({
      'm.json': { a: { old: 1, new: 2, diff: 1 } },
    });
    expect(
      diffSnapshots({ 'm.json': { data: { a: 1 } } }, { 'm.json': { data: { a: 1 } } }, true),
    ).toEqual({
      'm.json': { a: { old: 1, new: 1, diff: 0 } },
    });
    expect(
      diffSnapshots({ 'acc.txt': { data: 0.9 } }, { 'acc.txt': { data: 0.95 } })['acc.txt']!['']!
        .new,
    ).toBe(0.95);
  });

  it('treats a file missing on one side as empty, and a non-mapping beside a mapping as unparsable', () => {
    expect(diffSnapshots({}, { 'm.json': { data: { a: 1 } } })).toEqual({
      'm.json': { a: { old: null, new: 1 } },
    });
    expect(diffSnapshots({ 'm.json': { data: [1, 2] } }, { 'm.json': { data: { a: 1 } } })).toEqual(
      {
        'm.json': { a: { old: 'unable to parse', new: 1 } },
      },
    );
    expect(
      diffSnapshots({ 'm.json': { error: 'bad yaml' } }, { 'm.json': { data: { a: 1 } } }),
    ).toEqual({
      'm.json': { a: { old: null, new: 1 } },
    });
  });

  it('computes float differences as Python does', () => {
    const diff = diffSnapshots({ m: { data: { a: 0.8 } } }, { m: { data: { a: 0.9 } } });
    expect(diff.m!.a!.diff).toBe(0.09999999999999998);
    expect(diffTable(diff, { title: 'Metric', precision: 5 })[1]).toEqual([
      'm',
      'a',
      '0.8',
      '0.9',
      '0.1',
    ]);
    expect(pythonJson(diff)).toBe(
      '{"m": {"a": {"old": 0.8, "new": 0.9, "diff": 0.09999999999999998}}}',
    );
    expect(pythonJson({ x: new PyFloat(1), y: 1e-5, z: [1, 2] }, 2)).toBe(
      '{\n  "x": 1.0,\n  "y": 1e-05,\n  "z": [\n    1,\n    2\n  ]\n}',
    );
  });
});
