import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ObjectCache } from './cache.ts';
import { loadDataConfig, type DataConfig } from './config.ts';
import { StateCache, stateDirOf } from './state.ts';

/** Everything the data operations share for one repository: settings, cache, state cache. */
export interface DataRepo {
  root: string;
  config: DataConfig;
  cache: ObjectCache;
  state: StateCache;
}

/**
 * Open the data side of the repository at `root` (gitops-ml.yaml and .dvc/config read, the
 * state cache loaded). Call `closeDataRepo` to keep what was learnt about file hashes.
 */
export async function openDataRepo(root: string): Promise<DataRepo> {
  const state = StateCache.load(stateDirOf(root));
  const config = await loadDataConfig(root, state);
  return { root, config, state, cache: new ObjectCache(config.cacheDir, state, config.linkTypes) };
}

/**
 * Keep what the state cache learnt, in `.dvc/tmp/` (ignored by git through `.dvc/.gitignore`).
 * A repository that is not a DVC repository yet gets no state files: `data hash` in a plain git
 * repository leaves nothing behind.
 */
export async function closeDataRepo(repo: DataRepo): Promise<void> {
  if (existsSync(join(repo.root, '.dvc'))) await repo.state.save();
}

/**
 * Make the repository a DVC repository if it is not one yet (`.dvc/config`, and `.dvc/.gitignore`
 * keeping the cache and tmp out of git, as `dvc init` does), so `dvc` works on it as well.
 */
export async function ensureDvcDir(root: string): Promise<void> {
  const dvcDir = join(root, '.dvc');
  await mkdir(dvcDir, { recursive: true });
  if (!existsSync(join(dvcDir, '.gitignore')))
    await writeFile(join(dvcDir, '.gitignore'), '/config.local\n/tmp\n/cache\n');
  if (!existsSync(join(dvcDir, 'config'))) await writeFile(join(dvcDir, 'config'), '');
}
