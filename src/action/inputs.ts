import * as z from 'zod';
import { UsageError } from '../errors.ts';

export const ActionInputs = z.object({
  command: z.string().min(1, { error: 'the "command" input is required (e.g. validate)' }),
  args: z.array(z.string()),
  workingDirectory: z
    .string()
    .min(1)
    .refine((p) => !p.split(/[\\/]/).includes('..') && !p.startsWith('/'), {
      error: 'the "working-directory" input must be a path inside the workspace',
    }),
  token: z.string().optional(),
});
export type ActionInputs = z.infer<typeof ActionInputs>;

/** `INPUT_<NAME>` as the runner sets it: upper-cased, spaces to "_", hyphens kept. */
function input(
  env: Readonly<Record<string, string | undefined>>,
  name: string,
): string | undefined {
  const value = env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`];
  return value === undefined ? undefined : value.trim();
}

/**
 * Read and check the action's inputs. `args` is one argument per line, so no shell parsing ever
 * happens and a value cannot smuggle in a second argument.
 */
export function readInputs(env: Readonly<Record<string, string | undefined>>): ActionInputs {
  const token = input(env, 'github-token');
  const raw = {
    command: input(env, 'command') ?? '',
    args: (input(env, 'args') ?? '')
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line !== ''),
    workingDirectory: input(env, 'working-directory') || '.',
    ...(token ? { token } : {}),
  };
  const parsed = ActionInputs.safeParse(raw);
  if (!parsed.success) {
    throw new UsageError(parsed.error.issues.map((i) => i.message).join('; '));
  }
  return parsed.data;
}
