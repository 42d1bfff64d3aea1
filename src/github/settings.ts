import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { InputError, SpecError } from '../errors.ts';
import type { Identity } from '../forge/port.ts';
import { RepoConfig } from '../spec/schema/repo-config.ts';
import { parseYaml } from '../spec/yaml-source.ts';
import { checkAgainst } from '../spec/zod-diagnostics.ts';
import type { ChartMode } from './report/publish.ts';

/** The identity GitHub shows for GITHUB_TOKEN's commits: github-actions[bot]. */
export const DEFAULT_BOT: Identity = {
  name: 'github-actions[bot]',
  email: '41898282+github-actions[bot]@users.noreply.github.com',
};

/** The label a maintainer applies to let a fork's PR run on a self-hosted runner. */
export const DEFAULT_FORK_LABEL = 'safe-to-run';

export interface ForgeSettings {
  apiUrl: string;
  serverUrl: string;
  bot: Identity;
  forkLabel: string;
  charts: ChartMode;
}

/** gitops-ml.yaml's text, schema-checked; undefined when empty. */
export function parseRepoConfig(text: string, file = 'gitops-ml.yaml'): RepoConfig | undefined {
  const parsed = parseYaml(file, text);
  if (parsed.diagnostics.length) throw new SpecError(parsed.diagnostics);
  if (parsed.source.value === null || parsed.source.value === undefined) return undefined;
  const checked = checkAgainst(RepoConfig, parsed.source);
  if (!checked.data) throw new SpecError(checked.diagnostics, { hint: 'run "gitops-ml validate"' });
  return checked.data;
}

/** gitops-ml.yaml under `root`, schema-checked; undefined when there is none. */
export async function readRepoConfig(root: string): Promise<RepoConfig | undefined> {
  const file = 'gitops-ml.yaml';
  let text: string;
  try {
    text = await readFile(join(root, file), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new InputError(`cannot read ${file}`, { cause: error });
  }
  return parseRepoConfig(text, file);
}

/** https://api.github.com → https://github.com; https://HOST/api/v3 → https://HOST. */
export function serverUrlFor(apiUrl: string): string {
  const url = new URL(apiUrl);
  if (url.hostname === 'api.github.com') return 'https://github.com';
  if (url.hostname.startsWith('api.') && url.hostname.endsWith('.ghe.com'))
    return `${url.protocol}//${url.hostname.slice(4)}`;
  return `${url.origin}${url.pathname.replace(/\/api\/v3\/?$/, '').replace(/\/+$/, '')}`;
}

/**
 * Where GitHub is and how to act on it. Inside Actions the runner's GITHUB_API_URL and
 * GITHUB_SERVER_URL are the truth; `forge.apiUrl` in gitops-ml.yaml serves the CLI elsewhere
 * (GitHub Enterprise Server: https://HOST/api/v3).
 */
export function forgeSettings(
  config: RepoConfig | undefined,
  env: Readonly<Record<string, string | undefined>>,
): ForgeSettings {
  const apiUrl = (env.GITHUB_API_URL || config?.forge?.apiUrl || 'https://api.github.com').replace(
    /\/+$/,
    '',
  );
  return {
    apiUrl,
    serverUrl: (env.GITHUB_SERVER_URL || serverUrlFor(apiUrl)).replace(/\/+$/, ''),
    bot: config?.forge?.bot ?? DEFAULT_BOT,
    forkLabel: config?.forge?.forks?.label ?? DEFAULT_FORK_LABEL,
    charts: config?.report?.charts ?? 'mermaid',
  };
}
