import { readFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { InputError } from '../errors.ts';
import type { RepoConfig, Remote } from '../spec/schema/repo-config.ts';
import { mergeDvcConfigs, parseDvcConfig, type DvcConfig } from './dvc-config.ts';
import { errnoCode, fsError } from './fs-errors.ts';
import { parsedOnce, type StateCache } from './state.ts';

export type LinkType = 'reflink' | 'hardlink' | 'symlink' | 'copy';

/** A remote, wherever it was configured; `url` is `s3://…` or an absolute directory. */
export interface RemoteConfig {
  name: string;
  url: string;
  endpoint?: string;
  region?: string;
  profile?: string;
  jobs?: number;
  /** Which file defined it, for messages. */
  from: 'gitops-ml.yaml' | '.dvc/config';
}

export interface DataConfig {
  root: string;
  /** Absolute cache directory (default `.dvc/cache`). */
  cacheDir: string;
  /** Link types checkout tries, in order. */
  linkTypes: LinkType[];
  remotes: Map<string, RemoteConfig>;
  defaultRemote: string | undefined;
}

export const DEFAULT_LINK_TYPES: LinkType[] = ['reflink', 'hardlink', 'copy'];
const LINK_TYPES = new Set<string>(['reflink', 'hardlink', 'symlink', 'copy']);

function readOptional(path: string, shown: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return undefined;
    throw fsError(error, shown);
  }
}

/** The directory a repository-relative or absolute directory URL names. */
function directoryOf(url: string, base: string): string {
  const path = url.startsWith('file://') ? decodeURIComponent(new URL(url).pathname) : url;
  return isAbsolute(path) ? path : resolve(base, path);
}

function normalizeUrl(url: string, base: string): string {
  return url.startsWith('s3://') ? url : directoryOf(url, base);
}

function fromYaml(name: string, r: Remote, root: string): RemoteConfig {
  const remote: RemoteConfig = { name, url: normalizeUrl(r.url, root), from: 'gitops-ml.yaml' };
  if (r.endpoint !== undefined) remote.endpoint = r.endpoint;
  if (r.region !== undefined) remote.region = r.region;
  if (r.profile !== undefined) remote.profile = r.profile;
  if (r.jobs !== undefined) remote.jobs = r.jobs;
  return remote;
}

function fromDvc(dvc: DvcConfig, root: string): Map<string, RemoteConfig> {
  const dvcDir = join(root, '.dvc');
  const remotes = new Map<string, RemoteConfig>();
  for (const [name, r] of Object.entries(dvc.remotes)) {
    if (r.url === undefined) continue;
    const remote: RemoteConfig = { name, url: normalizeUrl(r.url, dvcDir), from: '.dvc/config' };
    if (r.endpointurl) remote.endpoint = r.endpointurl;
    if (r.region) remote.region = r.region;
    if (r.profile) remote.profile = r.profile;
    const jobs = Number(r.jobs);
    if (r.jobs !== undefined && Number.isInteger(jobs) && jobs > 0) remote.jobs = jobs;
    remotes.set(name, remote);
  }
  return remotes;
}

/** What the data commands take from gitops-ml.yaml. */
export interface DataSettings {
  remotes?: Record<string, Remote>;
  defaultRemote?: string;
  cache?: RepoConfig['cache'];
}

const MEMO_KEY = 'settings:gitops-ml.yaml';

/**
 * gitops-ml.yaml's data settings. With a state cache they are remembered against a digest of the
 * file's text, so an unchanged file is not parsed again (nor the YAML parser and schemas loaded).
 */
async function readDataSettings(
  root: string,
  state: StateCache | undefined,
): Promise<DataSettings | undefined> {
  const text = readOptional(join(root, 'gitops-ml.yaml'), 'gitops-ml.yaml');
  if (text === undefined) return undefined;
  return parsedOnce(state, MEMO_KEY, text, async () =>
    (await import('./config-parse.ts')).parseDataSettings(text),
  );
}

/**
 * Data settings: gitops-ml.yaml (`remotes`, `defaults.remote`, `cache`) over DVC's own
 * `.dvc/config` and `.dvc/config.local`; where both define something, gitops-ml.yaml wins.
 * Credentials are never read from these files: they come from the environment or the AWS SDK's
 * default chain (profiles included).
 */
export async function loadDataConfig(root: string, state?: StateCache): Promise<DataConfig> {
  const yaml = await readDataSettings(root, state);
  const dvcText = readOptional(join(root, '.dvc', 'config'), '.dvc/config');
  const localText = readOptional(join(root, '.dvc', 'config.local'), '.dvc/config.local');
  const dvc = mergeDvcConfigs(parseDvcConfig(dvcText ?? ''), parseDvcConfig(localText ?? ''));

  const remotes = fromDvc(dvc, root);
  for (const [name, r] of Object.entries(yaml?.remotes ?? {}))
    remotes.set(name, fromYaml(name, r, root));

  const cacheDir = yaml?.cache?.dir
    ? resolve(root, yaml.cache.dir)
    : dvc.cacheDir
      ? directoryOf(dvc.cacheDir, join(root, '.dvc'))
      : join(root, '.dvc', 'cache');
  let linkTypes: LinkType[] = yaml?.cache?.type ? [...yaml.cache.type] : DEFAULT_LINK_TYPES;
  if (!yaml?.cache?.type && dvc.cacheType) {
    const bad = dvc.cacheType.find((t) => !LINK_TYPES.has(t));
    if (bad !== undefined) {
      throw new InputError(`.dvc/config: unknown cache.type "${bad}"`, {
        hint: 'use reflink, hardlink, symlink or copy (comma-separated, in order of preference)',
      });
    }
    linkTypes = dvc.cacheType as LinkType[];
  }
  const defaultRemote = yaml?.defaultRemote ?? dvc.defaultRemote;
  return { root, cacheDir, linkTypes, remotes, defaultRemote };
}

/** The remote to use: the one named, else the default; an unknown or missing one is bad input. */
export function selectRemote(config: DataConfig, name: string | undefined): RemoteConfig {
  const chosen = name ?? config.defaultRemote;
  const known = [...config.remotes.keys()];
  if (chosen === undefined) {
    throw new InputError('no remote given and no default remote configured', {
      hint:
        known.length > 0
          ? `pass -r ${known.join(' | -r ')}, or set defaults.remote in gitops-ml.yaml`
          : 'add one under "remotes:" in gitops-ml.yaml (url: s3://bucket/prefix or a directory) and set defaults.remote',
    });
  }
  const remote = config.remotes.get(chosen);
  if (!remote) {
    throw new InputError(`unknown remote "${chosen}"`, {
      hint:
        known.length > 0
          ? `configured remotes: ${known.join(', ')}`
          : 'no remotes are configured in gitops-ml.yaml or .dvc/config',
    });
  }
  return remote;
}
