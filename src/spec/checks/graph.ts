/**
 * Cycles in a directed graph, one per strongly connected component that has one, each as the
 * list of nodes along it (first node repeated at the end). Iterative, so deep graphs are fine.
 */
export function findCycles<T>(nodes: readonly T[], edges: (node: T) => readonly T[]): T[][] {
  const state = new Map<T, 'active' | 'done'>();
  const reported = new Set<T>();
  const cycles: T[][] = [];
  for (const start of nodes) {
    if (state.has(start)) continue;
    const stack: { node: T; next: number; targets: readonly T[] }[] = [];
    const push = (node: T) => {
      state.set(node, 'active');
      stack.push({ node, next: 0, targets: edges(node) });
    };
    push(start);
    while (stack.length > 0) {
      const frame = stack[stack.length - 1]!;
      if (frame.next >= frame.targets.length) {
        state.set(frame.node, 'done');
        stack.pop();
        continue;
      }
      const target = frame.targets[frame.next++]!;
      const s = state.get(target);
      if (s === undefined) {
        push(target);
      } else if (s === 'active') {
        const from = stack.findIndex((f) => f.node === target);
        const cycle = stack.slice(from).map((f) => f.node);
        if (!cycle.every((n) => reported.has(n))) {
          cycles.push([...cycle, target]);
          for (const n of cycle) reported.add(n);
        }
      }
    }
  }
  return cycles;
}
