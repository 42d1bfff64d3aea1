import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../../data/atomic.ts';
import { workDir } from './workdir.ts';

/** A params file's original bytes, base64, so they come back exactly. */
interface Manifest {
  pid: number;
  files: { path: string; bytes: string }[];
}

const manifestPath = (root: string) => join(root, '.gitops-ml', 'sweep', 'params.json');

/**
 * The user's params files while a sweep writes each trial's values into them (stage commands may
 * read the file themselves, as DVC's `exp run --set-param` lets them). The original bytes are kept
 * on disk before the first write and put back by `restore`, also from a process 'exit' handler (a
 * second Ctrl-C exits at once); a gitops-ml killed outright is undone by `recoverParams`.
 */
export class ParamsGuard {
  readonly #root: string;
  readonly #originals: Map<string, Buffer>;
  readonly #onExit: () => void;
  #held = true;

  private constructor(root: string, originals: Map<string, Buffer>) {
    this.#root = root;
    this.#originals = originals;
    this.#onExit = () => this.#restoreSync();
  }

  static async hold(root: string, paths: readonly string[]): Promise<ParamsGuard> {
    const originals = new Map<string, Buffer>();
    for (const path of paths) originals.set(path, await readFile(join(root, path)));
    const manifest: Manifest = {
      pid: process.pid,
      files: [...originals].map(([path, bytes]) => ({ path, bytes: bytes.toString('base64') })),
    };
    workDir(root, 'sweep');
    await writeFileAtomic(manifestPath(root), JSON.stringify(manifest));
    const guard = new ParamsGuard(root, originals);
    process.on('exit', guard.#onExit);
    return guard;
  }

  /** The original text of a held file. */
  original(path: string): string {
    const bytes = this.#originals.get(path);
    if (bytes === undefined) throw new Error(`${path} is not held`);
    return bytes.toString('utf8');
  }

  async write(path: string, text: string): Promise<void> {
    await writeFileAtomic(join(this.#root, path), text);
  }

  /** Put every file back as it was. Does nothing once released. */
  async restore(): Promise<void> {
    if (!this.#held) return;
    for (const [path, bytes] of this.#originals)
      await writeFileAtomic(join(this.#root, path), bytes);
    await this.#release();
  }

  /** Keep what is on disk now (the applied trial) and stop guarding. */
  async keep(): Promise<void> {
    await this.#release();
  }

  async #release(): Promise<void> {
    this.#held = false;
    process.off('exit', this.#onExit);
    await rm(manifestPath(this.#root), { force: true });
  }

  #restoreSync(): void {
    if (!this.#held) return;
    for (const [path, bytes] of this.#originals) writeFileSync(join(this.#root, path), bytes);
    rmSync(manifestPath(this.#root), { force: true });
  }
}

/**
 * Put back params files a sweep left with a trial's values when gitops-ml was killed (SIGKILL, a
 * power cut). Call it holding the repository lock, so the sweep that wrote the manifest is gone.
 * Returns the files restored.
 */
export async function recoverParams(root: string): Promise<string[]> {
  const path = manifestPath(root);
  if (!existsSync(path)) return [];
  let manifest: Manifest;
  try {
    manifest = JSON.parse(await readFile(path, 'utf8')) as Manifest;
  } catch {
    await rm(path, { force: true });
    return [];
  }
  for (const file of manifest.files)
    await writeFileAtomic(join(root, file.path), Buffer.from(file.bytes, 'base64'));
  await rm(path, { force: true });
  return manifest.files.map((f) => f.path);
}
