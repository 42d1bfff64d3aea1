import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from '../errors.ts';
import { didYouMean } from '../spec/suggest.ts';

export type OptionSpec = NonNullable<ParseArgsConfig['options']>;

/** Options every command takes. */
export const commonOptions = {
  json: { type: 'boolean' },
  C: { type: 'string', short: 'C' },
  help: { type: 'boolean', short: 'h' },
  'no-color': { type: 'boolean' },
} as const satisfies OptionSpec;

export interface Parsed {
  values: Record<string, string | boolean | (string | boolean)[] | undefined>;
  positionals: string[];
}

/** parseArgs, strict, with usage errors that say what was meant. */
export function parse(
  command: string,
  args: readonly string[],
  options: OptionSpec,
  allowPositionals: boolean,
): Parsed {
  const all = { ...commonOptions, ...options };
  try {
    const { values, positionals } = parseArgs({
      args: [...args],
      options: all,
      allowPositionals,
      strict: true,
    });
    return { values: values, positionals };
  } catch (error) {
    const code = (error as { code?: string }).code;
    const text = error instanceof Error ? error.message : String(error);
    const flag = /'(-{1,2}[^' ]+)'/.exec(text)?.[1];
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && flag) {
      const names = Object.keys(all).map((n) => (n.length === 1 ? `-${n}` : `--${n}`));
      throw new UsageError(`unknown option ${flag} for "${command}"${didYouMean(flag, names)}`, {
        hint: `run "gitops-ml ${command} --help" for its options`,
        cause: error,
      });
    }
    if (code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') {
      throw new UsageError(
        `"${command}" takes no arguments: ${text.replace(/^Unexpected argument '([^']*)'.*$/s, '"$1"')}`,
        { cause: error },
      );
    }
    throw new UsageError(`${command}: ${text.split('. ')[0]!.replace(/^Option/, 'option')}`, {
      cause: error,
    });
  }
}
