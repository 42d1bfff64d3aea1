// When a dataset's files are not in the workspace: say what would bring them there. Reads DVC 3
// pointers and the cache layout directly (the format, not another module's code).

import { existsSync, readFileSync } from 'node:fs';
import { join, posix, resolve } from 'node:path';
import { parse } from 'yaml';
import { hashSubdir, isValidOid, oidRelPath } from '../data/hash-info.ts';

export interface Producer {
  pipeline: string;
  stage: string;
  out: string;
}

export interface MissingData {
  message: string;
  hint: string;
  /** Something (a .dvc pointer, a stage) should put the data there: not a mistyped path. */
  expected: boolean;
}

interface Pointer {
  file: string;
  out: string;
  md5: string | undefined;
}

function readPointer(root: string, file: string): Pointer | undefined {
  let data: unknown;
  try {
    data = parse(readFileSync(join(root, file), 'utf8'));
  } catch {
    return undefined;
  }
  const outs = (data as { outs?: unknown } | null)?.outs;
  if (!Array.isArray(outs) || outs.length === 0) return undefined;
  const first = outs[0] as { path?: unknown; md5?: unknown };
  if (typeof first.path !== 'string') return undefined;
  return {
    file,
    out: posix.normalize(posix.join(posix.dirname(file), first.path)),
    md5: typeof first.md5 === 'string' ? first.md5 : undefined,
  };
}

/** The .dvc pointer that tracks `path` (the path itself or a directory above it). */
export function findPointer(root: string, path: string): Pointer | undefined {
  for (let p = posix.normalize(path); p !== '.' && p !== '/'; p = posix.dirname(p)) {
    const file = `${p}.dvc`;
    if (!existsSync(join(root, file))) continue;
    const pointer = readPointer(root, file);
    if (pointer) return pointer;
  }
  return undefined;
}

/** True when the object a pointer names is in the cache at `cacheDir` (absolute, or relative to `root`; DVC 3 layout, or DVC 2). */
function inCache(root: string, cacheDir: string, md5: string): boolean {
  if (!isValidOid(md5)) return false;
  const name = oidRelPath(md5);
  return (
    existsSync(resolve(root, cacheDir, hashSubdir('md5'), name)) ||
    existsSync(resolve(root, cacheDir, hashSubdir('md5-dos2unix'), name))
  );
}

/** The static part of a glob: `data/raw/*.csv` → `data/raw`. */
function staticPrefix(path: string): string {
  const segments = path.split('/');
  const i = segments.findIndex((s) => /[*?[]/.test(s));
  return i === -1 ? path : segments.slice(0, i).join('/') || '.';
}

/** Why `path` has no files, and the command that fixes it. */
export function explainMissing(
  root: string,
  path: string,
  options: { cacheDir?: string | undefined; producers?: readonly Producer[] | undefined } = {},
): MissingData {
  const target = staticPrefix(path);
  const pointer = findPointer(root, target);
  if (pointer) {
    const cached =
      pointer.md5 !== undefined && inCache(root, options.cacheDir ?? '.dvc/cache', pointer.md5);
    const command = cached ? 'checkout' : 'pull';
    return {
      message: `${path} is tracked by ${pointer.file} but is not in the workspace${cached ? ' (its data is in the local cache)' : ''}`,
      hint: `run \`gitops-ml data ${command} ${pointer.file}\`${cached ? '' : ' to fetch it from the remote'}, then validate again`,
      expected: true,
    };
  }
  const producer = options.producers?.find(
    (p) => p.out === target || target.startsWith(`${p.out}/`) || p.out.startsWith(`${target}/`),
  );
  if (producer) {
    return {
      message: `${path} does not exist yet: stage "${producer.stage}" of pipeline "${producer.pipeline}" produces it`,
      hint: `run \`gitops-ml run ${producer.pipeline} --stage ${producer.stage}\` first`,
      expected: true,
    };
  }
  return {
    message: `${path} does not exist`,
    hint: 'commit the file, track it with `gitops-ml data add`, or fix the dataset path in the pipeline spec',
    expected: false,
  };
}
