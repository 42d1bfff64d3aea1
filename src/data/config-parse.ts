import { SpecError } from '../errors.ts';
import { RepoConfig } from '../spec/schema/repo-config.ts';
import { parseYaml } from '../spec/yaml-source.ts';
import { checkAgainst } from '../spec/zod-diagnostics.ts';
import type { DataSettings } from './config.ts';

/**
 * The data settings of gitops-ml.yaml (remotes, default remote, cache), checked against the
 * whole file's schema: a mistake anywhere in it is a SpecError at file:line:col.
 */
export function parseDataSettings(text: string): DataSettings {
  const parsed = parseYaml('gitops-ml.yaml', text);
  if (parsed.diagnostics.length > 0) throw new SpecError(parsed.diagnostics);
  const checked = checkAgainst(RepoConfig, parsed.source, parsed.source.value ?? {});
  if (checked.diagnostics.length > 0 || checked.data === undefined)
    throw new SpecError(checked.diagnostics, {
      hint: 'fix gitops-ml.yaml (`gitops-ml validate` shows every problem)',
    });
  const { remotes, defaults, cache } = checked.data;
  const settings: DataSettings = {};
  if (remotes !== undefined) settings.remotes = remotes;
  if (defaults?.remote !== undefined) settings.defaultRemote = defaults.remote;
  if (cache !== undefined) settings.cache = cache;
  return settings;
}
