import { readFile } from 'node:fs/promises';
import { posix } from 'node:path';
import { InputError } from '../errors.ts';
import { git } from '../git/run.ts';
import { writeFileAtomic } from './atomic.ts';
import { errnoCode } from './fs-errors.ts';

/** A path as a .gitignore line that matches only it: anchored with `/`, specials escaped. */
export function gitignoreEntry(name: string): string {
  return `/${name.replace(/[\\[\]!*#?]/g, (c) => `\\${c}`)}`;
}

/**
 * Which of `rels` git already ignores; undefined outside a git repository. Two git processes
 * whatever the number of paths.
 */
export async function ignoredByGit(
  root: string,
  rels: readonly string[],
): Promise<Set<string> | undefined> {
  const inGit = await git(root, ['rev-parse', '--is-inside-work-tree'], { allowFailure: [128] });
  if (!inGit) return undefined;
  const ignored = await git(root, ['check-ignore', '--no-index', '--stdin', '-z'], {
    allowFailure: [1],
    input: rels.map((r) => `${r}\0`).join(''),
  });
  return new Set((ignored?.stdout ?? '').split('\0').filter((r) => r !== ''));
}

/**
 * Keep data out of git as `dvc add` does: append `/<name>` to the `.gitignore` next to it,
 * unless git already ignores the path (`ignored`, from ignoredByGit). Returns the .gitignore
 * written, if any; outside a git repository (`ignored` undefined) nothing is done.
 */
export async function ignoreInGit(
  root: string,
  rel: string,
  ignored: ReadonlySet<string> | undefined,
): Promise<string | undefined> {
  if (ignored === undefined || ignored.has(rel)) return undefined;
  const dir = posix.dirname(rel) === '.' ? '' : posix.dirname(rel);
  const file = dir === '' ? '.gitignore' : `${dir}/.gitignore`;
  const entry = gitignoreEntry(posix.basename(rel));
  let text = '';
  try {
    text = await readFile(posix.join(root, file), 'utf8');
  } catch (error) {
    if (errnoCode(error) !== 'ENOENT') throw error;
  }
  if (text.split(/\r?\n/).includes(entry)) return undefined;
  const prefix = text === '' || text.endsWith('\n') ? '' : '\n';
  await writeFileAtomic(posix.join(root, file), `${text}${prefix}${entry}\n`);
  return file;
}

/** DVC refuses to track data git already tracks (both would version it); so do we. One git process. */
export async function assertNotInGit(root: string, rels: readonly string[]): Promise<void> {
  const listed = await git(root, ['ls-files', '-z', '--', ...rels], { allowFailure: [128] });
  const files = (listed?.stdout ?? '').split('\0').filter((f) => f !== '');
  const rel = rels.find((r) => files.some((f) => f === r || f.startsWith(`${r}/`)));
  if (rel !== undefined) {
    throw new InputError(`${rel}: is tracked by git`, {
      hint: `stop tracking it in git first: git rm -r --cached '${rel}' && git commit -m "stop tracking ${rel}"`,
    });
  }
}
