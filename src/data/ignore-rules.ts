import { InputError } from '../errors.ts';

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

/** A pattern `.dvcignore` cannot use: DVC fails on it too, so it is reported, not skipped. */
export class InvalidPatternError extends Error {}

/** One path segment's glob as a regex source (`*`, `?`, `[...]`, backslash escapes). */
function translateGlob(glob: string): string {
  let out = '';
  let i = 0;
  while (i < glob.length) {
    const ch = glob[i++]!;
    if (ch === '\\') {
      if (i >= glob.length) throw new InvalidPatternError('a trailing backslash escapes nothing');
      out += escapeChar(glob[i++]!);
    } else if (ch === '*') {
      out += '[^/]*';
    } else if (ch === '?') {
      out += '[^/]';
    } else if (ch === '[') {
      let j = i;
      if (glob[j] === '!') j++;
      if (glob[j] === ']') j++;
      while (j < glob.length && glob[j] !== ']') j++;
      if (j >= glob.length) {
        out += '\\[';
        continue;
      }
      let k = i;
      let expr = '[';
      if (glob[k] === '!') {
        expr += '^';
        k++;
      } else if (glob[k] === '^') {
        expr += '\\^';
        k++;
      }
      expr += glob.slice(k, j + 1).replace(/\\/g, '\\\\');
      out += expr;
      i = j + 1;
    } else {
      out += escapeChar(ch);
    }
  }
  return out;
}

/**
 * A `.dvcignore` line as a pattern (pathspec's gitwildmatch translation, which DVC uses), or
 * undefined for blanks and comments. Throws InvalidPatternError where DVC would fail too.
 */
export function compilePattern(line: string, origin: string): IgnorePattern | undefined {
  let text = line.trim();
  if (text === '' || text.startsWith('#') || text === '/') return undefined;
  const negate = text.startsWith('!');
  if (negate) text = text.slice(1);
  const segs = text.split('/');
  const dirOnly = segs.at(-1) === '';
  for (let i = segs.length - 1; i > 0; i--)
    if (segs[i] === '**' && segs[i - 1] === '**') segs.splice(i, 1);
  let source: string | undefined;
  if (segs.length === 2 && segs[0] === '**' && segs[1] === '') source = '^.+/.*$';
  if (segs[0] === '') segs.shift();
  else if (segs.length === 1 || (segs.length === 2 && segs[1] === '')) {
    if (segs[0] !== '**') segs.unshift('**');
  }
  if (segs.length === 0) throw new InvalidPatternError('the pattern is empty');
  if (segs.length > 1 && segs.at(-1) === '') segs[segs.length - 1] = '**';
  source ??= translateSegments(segs);
  let regex: RegExp;
  try {
    regex = new RegExp(source, 'u');
  } catch (error) {
    throw new InvalidPatternError(error instanceof Error ? error.message : String(error));
  }
  return { regex, negate, dirOnly, origin };
}

function translateSegments(segs: string[]): string {
  let out = '^';
  let needSlash = false;
  const end = segs.length - 1;
  segs.forEach((seg, i) => {
    if (seg === '**') {
      if (i === 0 && i === end) out += '[^/]+(?:/.*)?';
      else if (i === 0) {
        out += '(?:.+/)?';
        needSlash = false;
      } else if (i === end) out += '/.*';
      else {
        out += '(?:/.+)?';
        needSlash = true;
      }
      return;
    }
    if (needSlash) out += '/';
    out += seg === '*' ? '[^/]+' : translateGlob(seg);
    if (i === end) out += '(?:/.*)?';
    needSlash = true;
  });
  return out + '$';
}

/** Parse a `.dvcignore` file's text (lines are trimmed and `#` comments skipped, as DVC does). */
export function parseIgnoreFile(text: string, dir: string, name: string): IgnoreFile {
  const patterns: IgnorePattern[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    let p: IgnorePattern | undefined;
    try {
      p = compilePattern(line, `${name}:${index + 1}: ${line}`);
    } catch (error) {
      throw new InputError(
        `${name}:${index + 1}: invalid pattern "${line}": ${(error as Error).message}`,
        {
          hint: 'fix or remove the pattern (DVC rejects it too)',
        },
      );
    }
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
  /** Only DVC's default patterns apply: a name test answers (the common case, and a hot path). */
  private readonly onlyDefaults: boolean;

  constructor(files: readonly IgnoreFile[]) {
    this.files = files;
    this.onlyDefaults =
      files.length === 1 &&
      files[0]!.dir === '' &&
      files[0]!.patterns.every((p) => p.origin.startsWith('default: '));
  }

  static root(extra: IgnoreFile | undefined): IgnoreRules {
    const defaults: IgnoreFile = {
      dir: '',
      patterns: defaultIgnorePatterns.map((p) => compilePattern(p, `default: ${p}`)!),
    };
    return new IgnoreRules(extra && extra.patterns.length > 0 ? [defaults, extra] : [defaults]);
  }

  with(file: IgnoreFile): IgnoreRules {
    return file.patterns.length === 0 ? this : new IgnoreRules([...this.files, file]);
  }

  /**
   * decide() for `name` inside repository-relative `dir` (with a trailing `/`, or `''`), without
   * building the path when no pattern needs it.
   */
  decideEntry(dir: string, name: string, isDir: boolean): boolean {
    if (this.onlyDefaults) return name === '.git' || (isDir && (name === '.hg' || name === '.dvc'));
    return this.decide(dir + name, isDir);
  }

  /** Whether this one path is ignored, its parents assumed not to be (a top-down walk). */
  decide(relPath: string, isDir: boolean): boolean {
    if (this.onlyDefaults)
      return this.decideEntry('', relPath.slice(relPath.lastIndexOf('/') + 1), isDir);
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
