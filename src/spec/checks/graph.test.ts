import { describe, expect, it } from 'vitest';
import { findCycles } from './graph.ts';

const graph = (edges: Record<string, string[]>) => (n: string) => edges[n] ?? [];

describe('findCycles', () => {
  it('finds none in a DAG', () => {
    expect(findCycles(['a', 'b', 'c'], graph({ a: ['b', 'c'], b: ['c'] }))).toEqual([]);
  });

  it('finds a self-loop and a longer cycle, each once', () => {
    const cycles = findCycles(
      ['a', 'b', 'c', 'd'],
      graph({ a: ['a'], b: ['c'], c: ['d'], d: ['b'] }),
    );
    expect(cycles).toEqual([
      ['a', 'a'],
      ['b', 'c', 'd', 'b'],
    ]);
  });

  it('handles a long chain without recursion limits', () => {
    const n = 50_000;
    const nodes = Array.from({ length: n }, (_, i) => i);
    expect(findCycles(nodes, (i) => (i + 1 < n ? [i + 1] : [0]))).toHaveLength(1);
  });
});
