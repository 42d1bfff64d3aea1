import type { EngineFlags } from '../../validation/settings.ts';
import type { Parsed } from '../args.ts';

/** The DuckDB flags of the commands that read data (`data validate`, `data profile`). */
export const engineOptions = {
  threads: { type: 'string' },
  'memory-limit': { type: 'string' },
  'temp-dir': { type: 'string' },
} as const;

export function engineFlags(args: Parsed): EngineFlags {
  const value = (name: keyof typeof engineOptions) => {
    const v = args.values[name];
    return typeof v === 'string' ? v : undefined;
  };
  return {
    threads: value('threads'),
    memoryLimit: value('memory-limit'),
    tempDirectory: value('temp-dir'),
  };
}
