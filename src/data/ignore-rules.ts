/**
 * `.dvcignore` rules with DVC's semantics (gitignore patterns as pathspec's "gitwildmatch"
 * translates them): per directory, later and deeper patterns win, `!` re-includes, a pattern
 * ending in `/` matches directories only, and nothing under an ignored directory comes back.
 */

export interface IgnorePattern {
  /** Tested against a path relative to the directory of the file that holds the pattern. */
  regex: RegExp;
  /** `!pattern`: matching paths are included again. */
  negate: boolean;
  /** `pattern/`: only directories match. */
  dirOnly: boolean;
  /** `file:line: pattern`, for messages. */
  origin: string;
}

export interface IgnoreFile {
  /** Repository-relative directory holding the file, `''` for the root. */
  dir: string;
  patterns: IgnorePattern[];
}

/** The patterns DVC always applies at the repository root. */
export const defaultIgnorePatterns = ['.hg/', '.git/', '.git', '.dvc/'];

const regexSyntax = /[\\^$.*+?()[\]{}|/]/;

function escapeChar(ch: string): string {
  return regexSyntax.test(ch) ? `\\${ch}` : ch;
}

/** One path segment's glob as a regex source (`*`, `?`, `[...]`, backslash escapes). */
function translateGlob(glob: string): string | undefined {
  let out = '';
  let i = 0;
  while (i < glob.length) {
    const ch = glob[i++]!;
    if (ch === '\\') {
      if (i >= glob.length) return undefined;
      out += escapeChar(glob[i++]!);
    } else if (ch === '*') {
      out += '[^/]*';
    } else if (ch === '?') {
      out += '[^/]';
    } else if (ch === '[') {
      let j = i;
      if (glob[j] === '!' || glob[j] === '^') j++;
      if (glob[j] === ']') j++;
      while (j < glob.length && glob[j] !== ']') j++;
      if (j >= glob.length) return undefined;
      let body = glob.slice(i, j);
      let negated = false;
      if (body.startsWith('!') || body.startsWith('^')) {
        negated = true;
        body = body.slice(1);
      }
      const expr = `[${negated ? '^' : ''}${body.replace(/\\/g, '\\\\')}]`;
      try {
        new RegExp(expr, 'u');
      } catch {
        return undefined;
      }
      out += expr;
      i = j + 1;
    } else {
      out += escapeChar(ch);
    }
  }
  return out;
}

/** A `.dvcignore` line as a pattern, or undefined for blanks, comments and invalid patterns. */
export function compilePattern(line: string, origin: string): IgnorePattern | undefined {
  let text = line.endsWith('\\ ') ? line : line.trimEnd();
  if (text === '' || text.startsWith('#') || text === '/') return undefined;
  const negate = text.startsWith('!');
  if (negate) text = text.slice(1);
  const segs = text.split('/');
  const dirOnly = segs.at(-1) === '';
  if (segs[0] === '') segs.shift();
  else if (segs.length === 1 || (segs.length === 2 && segs[1] === '')) {
    if (segs[0] !== '**') segs.unshift('**');
  }
  if (segs.length === 0) return undefined;
  if (segs.at(-1) === '') segs[segs.length - 1] = '**';
  for (let i = segs.length - 1; i > 0; i--) if (segs[i] === '**' && segs[i - 1] === '**') segs.splice(i, 1);

  let source: string | undefined;
  const key = segs.join('/');
  if (key === '**') source = dirOnly ? '/' : '.';
  else if (key === '**/*/**') source = '/';
  else if (key === '**/*') source = '.';
  else source = translateSegments(segs);
  if (source === undefined) return undefined;
  return { regex: new RegExp(`^(?:${source})`, 'u'), negate, dirOnly, origin };
}

function translateSegments(segs: string[]): string | undefined {
  let out = '';
  let needSlash = false;
  const end = segs.length - 1;
  for (let i = 0; i < segs.length; i++) {
    const seg = segs[i]!;
    if (seg === '**') {
      if (i === 0) out += '^(?:.+/)?';
      else if (i < end) {
        out += '(?:/.+)?';
        needSlash = true;
      } else out += '/';
      continue;
    }
    if (i === 0) out += '^';
    if (needSlash) out += '/';
    if (seg === '*') out += '[^/]+';
    else {
      const glob = translateGlob(seg);
      if (glob === undefined) return undefined;
      out += glob;
    }
    if (i === end) out += '(?:/|$)';
    needSlash = true;
  }
  return out;
}

/** Parse a `.dvcignore` file's text (lines are trimmed and `#` comments skipped, as DVC does). */
export function parseIgnoreFile(text: string, dir: string, name: string): IgnoreFile {
  const patterns: IgnorePattern[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const p = compilePattern(line, `${name}:${index + 1}: ${line}`);
    if (p) patterns.push(p);
  });
  return { dir, patterns };
}

function decideIn(file: IgnoreFile, rel: string, isDir: boolean): boolean | undefined {
  const candidates = isDir && !rel.endsWith('/') ? [rel, `${rel}/`] : [rel];
  for (let i = file.patterns.length - 1; i >= 0; i--) {
    const p = file.patterns[i]!;
    if (p.dirOnly && !isDir) continue;
    for (const c of candidates) if (p.regex.test(c)) return !p.negate;
  }
  return undefined;
}

/** The `.dvcignore` files that apply, root first; immutable, so a walk can extend it per subtree. */
export class IgnoreRules {
  readonly files: readonly IgnoreFile[];

  constructor(files: readonly IgnoreFile[]) {
    this.files = files;
  }

  static root(extra: IgnoreFile | undefined): IgnoreRules {
    const defaults: IgnoreFile = {
      dir: '',
      patterns: defaultIgnorePatterns.map((p) => compilePattern(p, `default: ${p}`)!),
    };
    return new IgnoreRules(extra ? [defaults, extra] : [defaults]);
  }

  with(file: IgnoreFile): IgnoreRules {
    return file.patterns.length === 0 ? this : new IgnoreRules([...this.files, file]);
  }

  /** Whether this one path is ignored, its parents assumed not to be (a top-down walk). */
  decide(relPath: string, isDir: boolean): boolean {
    for (let f = this.files.length - 1; f >= 0; f--) {
      const file = this.files[f]!;
      let rel = relPath;
      if (file.dir !== '') {
        if (!relPath.startsWith(`${file.dir}/`)) continue;
        rel = relPath.slice(file.dir.length + 1);
      }
      const decided = decideIn(file, rel, isDir);
      if (decided !== undefined) return decided;
    }
    return false;
  }

  /** Whether a repository-relative path is ignored, itself or through a parent directory. */
  isIgnored(relPath: string, isDir: boolean): boolean {
    const parts = relPath.split('/');
    for (let i = 1; i <= parts.length; i++) {
      const last = i === parts.length;
      if (this.decide(parts.slice(0, i).join('/'), isDir || !last)) return true;
    }
    return false;
  }
}
