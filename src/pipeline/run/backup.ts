import { cp, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { mkdir } from 'node:fs/promises';
import { workDir } from './workdir.ts';
import { processAlive } from '../alive.ts';

interface Entry {
  /** Repository-relative output path. */
  path: string;
  /** Where its previous content waits, inside the backup directory. */
  saved: string;
}

interface Manifest {
  pid: number;
  stage: string;
  entries: Entry[];
}

/**
 * A stage's previous outputs, moved aside while it runs (DVC removes them too) so that a failure
 * or an interruption can put them back exactly: nothing half-written survives a failed stage.
 * `persist` outputs are copied instead, since the command expects to find them. A manifest on disk
 * lets the next run recover them if gitops-ml itself was killed.
 */
export class OutputBackup {
  readonly #root: string;
  readonly #dir: string;
  readonly #manifest: Manifest;

  private constructor(root: string, dir: string, manifest: Manifest) {
    this.#root = root;
    this.#dir = dir;
    this.#manifest = manifest;
  }

  static async stash(
    root: string,
    stage: string,
    outs: readonly { path: string; persist: boolean }[],
  ): Promise<OutputBackup> {
    const dir = workDir(root, 'backups', `${process.pid}-${Date.now()}`);
    const manifest: Manifest = { pid: process.pid, stage, entries: [] };
    const backup = new OutputBackup(root, dir, manifest);
    // The manifest goes first: a crash mid-stash leaves every moved output findable.
    const planned = outs
      .filter((o) => existsSync(join(root, o.path)))
      .map((o, i) => ({ ...o, saved: String(i) }));
    manifest.entries = planned.map(({ path, saved }) => ({ path, saved }));
    await writeFile(join(dir, 'manifest.json'), JSON.stringify(manifest));
    for (const out of planned) {
      const from = join(root, out.path);
      const to = join(dir, out.saved);
      if (out.persist) await cp(from, to, { recursive: true, preserveTimestamps: true });
      else await rename(from, to);
    }
    return backup;
  }

  /** Put every previous output back, removing whatever the failed command wrote there. */
  async restore(): Promise<void> {
    await restoreEntries(this.#root, this.#dir, this.#manifest.entries);
    await rm(this.#dir, { recursive: true, force: true });
  }

  /** The stage succeeded: the previous outputs are no longer needed. */
  async discard(): Promise<void> {
    await rm(this.#dir, { recursive: true, force: true });
  }

  /** Paths of outputs that existed before the stage ran. */
  get paths(): string[] {
    return this.#manifest.entries.map((e) => e.path);
  }
}

async function restoreEntries(root: string, dir: string, entries: readonly Entry[]): Promise<void> {
  for (const e of entries) {
    const target = join(root, e.path);
    const saved = join(dir, e.saved);
    if (!existsSync(saved)) continue;
    await rm(target, { recursive: true, force: true });
    await mkdir(dirname(target), { recursive: true });
    await rename(saved, target);
  }
}

/**
 * Put back outputs stashed by a run that died without cleaning up (killed with SIGKILL, a power
 * cut). Returns the stages whose outputs were recovered.
 */
export async function recoverBackups(root: string): Promise<string[]> {
  const base = join(root, '.gitops-ml', 'backups');
  if (!existsSync(base)) return [];
  const recovered: string[] = [];
  for (const name of await readdir(base)) {
    const dir = join(base, name);
    let manifest: Manifest;
    try {
      manifest = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')) as Manifest;
    } catch {
      await rm(dir, { recursive: true, force: true });
      continue;
    }
    if (manifest.pid !== process.pid && processAlive(manifest.pid)) continue;
    await restoreEntries(root, dir, manifest.entries);
    await rm(dir, { recursive: true, force: true });
    recovered.push(manifest.stage);
  }
  return recovered;
}
