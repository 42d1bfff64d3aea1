import type { Command } from '../command.ts';

interface Entry {
  summary: string;
  load: () => Promise<Command>;
}

/** Every command, loaded on first use so `--version` and `--help` start fast. */
export const commands: Record<string, Entry> = {
  validate: {
    summary: 'check specs: schema, cross-references, cycles',
    load: async () => (await import('./validate.ts')).validate,
  },
};
