// Which files a dataset path names: a file, a directory, or a glob, relative to the repository root.

import { readdirSync, statSync, type Dirent } from 'node:fs';
import { join, posix } from 'node:path';

export type DataFormat = 'csv' | 'tsv' | 'parquet' | 'json' | 'jsonl';

const EXTENSIONS: Record<string, DataFormat> = {
  csv: 'csv',
  tsv: 'tsv',
  tab: 'tsv',
  parquet: 'parquet',
  pq: 'parquet',
  json: 'json',
  jsonl: 'jsonl',
  ndjson: 'jsonl',
};

const COMPRESSED = /\.(gz|zst)$/;

/** The format a file name implies (`a.csv.gz` is csv), if any. */
export function formatOf(file: string): DataFormat | undefined {
  const base = posix.basename(file).replace(COMPRESSED, '');
  const dot = base.lastIndexOf('.');
  return dot > 0 ? EXTENSIONS[base.slice(dot + 1).toLowerCase()] : undefined;
}

export function isGlob(path: string): boolean {
  return /[*?[]/.test(path);
}

/** A glob segment as a regular expression: `*`, `?` and `[...]` inside one path segment. */
function segmentPattern(segment: string): RegExp {
  let re = '';
  for (let i = 0; i < segment.length; i++) {
    const c = segment[i]!;
    if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const end = segment.indexOf(']', i + 1);
      if (end === -1) re += '\\[';
      else {
        const body = segment
          .slice(i + 1, end)
          .replace(/^!/, '^')
          .replace(/\\/g, '\\\\');
        re += `[${body}]`;
        i = end;
      }
    } else re += c.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

function entries(dir: string): Dirent[] {
  try {
    return readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
}

function isDir(entry: Dirent, parent: string): boolean {
  if (entry.isDirectory()) return true;
  if (!entry.isSymbolicLink()) return false;
  try {
    return statSync(join(parent, entry.name)).isDirectory();
  } catch {
    return false;
  }
}

/** Files (repo-relative, sorted) matching a glob; hidden entries only when the pattern names them. */
export function expandGlob(root: string, pattern: string): string[] {
  const segments = posix.normalize(pattern).split('/');
  const found = new Set<string>();
  const visit = (rel: string, i: number): void => {
    if (i === segments.length) return;
    const segment = segments[i]!;
    const abs = join(root, rel);
    const last = i === segments.length - 1;
    if (segment === '**') {
      visit(rel, i + 1);
      for (const e of entries(abs)) {
        if (e.name.startsWith('.') || !isDir(e, abs)) continue;
        visit(rel ? `${rel}/${e.name}` : e.name, i);
      }
      return;
    }
    if (!isGlob(segment)) {
      const next = rel ? `${rel}/${segment}` : segment;
      if (last) {
        if (statSync(join(root, next), { throwIfNoEntry: false })?.isFile()) found.add(next);
      } else visit(next, i + 1);
      return;
    }
    const re = segmentPattern(segment);
    for (const e of entries(abs)) {
      if (e.name.startsWith('.') && !segment.startsWith('.')) continue;
      if (!re.test(e.name)) continue;
      const next = rel ? `${rel}/${e.name}` : e.name;
      if (last) {
        if (!isDir(e, abs)) found.add(next);
      } else if (isDir(e, abs)) visit(next, i + 1);
    }
  };
  visit('', 0);
  return [...found].sort();
}

/**
 * The files a dataset path names: the file itself, the data files under a directory (of `format`
 * when given), or the matches of a glob. Empty when nothing is there.
 */
export function listDataFiles(root: string, path: string, format?: DataFormat): string[] {
  if (isGlob(path)) return expandGlob(root, path);
  const info = statSync(join(root, path), { throwIfNoEntry: false });
  if (!info) return [];
  if (!info.isDirectory()) return [posix.normalize(path)];
  const all = expandGlob(root, `${posix.normalize(path)}/**/*`).filter(
    (f) => formatOf(f) !== undefined,
  );
  return format === undefined ? all : all.filter((f) => family(formatOf(f)) === family(format));
}

/** csv and tsv are read the same way; everything else is its own family. */
export function family(format: DataFormat | undefined): string | undefined {
  return format === 'tsv' ? 'csv' : format;
}
