/**
 * DVC's own configuration (`.dvc/config`, `.dvc/config.local`): an INI file as configobj writes
 * it. We read the remotes (`['remote "name"']` sections), the default remote (`core.remote`) and
 * the cache settings, so a repository set up with `dvc remote add` works with no migration.
 */

export interface DvcConfigRemote {
  url?: string;
  endpointurl?: string;
  region?: string;
  profile?: string;
  jobs?: string;
}

export interface DvcConfig {
  defaultRemote?: string;
  remotes: Record<string, DvcConfigRemote>;
  cacheDir?: string;
  cacheType?: string[];
}

function unquote(value: string): string {
  const v = value.trim();
  if (v.length >= 2 && (v[0] === '"' || v[0] === "'") && v.at(-1) === v[0]) return v.slice(1, -1);
  return v;
}

/** A configobj value: quoted, or unquoted up to an inline `#` comment; commas make a list. */
function parseValue(raw: string): string[] {
  const text = raw.trim();
  const quote = text[0];
  if (quote === '"' || quote === "'") {
    const end = text.indexOf(quote, 1);
    if (end > 0) return [text.slice(1, end)];
  }
  const hash = text.search(/\s#/);
  const bare = (hash === -1 ? text : text.slice(0, hash)).trim();
  return bare.includes(',')
    ? bare
        .split(',')
        .map((p) => unquote(p))
        .filter((p) => p !== '')
    : [bare];
}

/** Parse the text of a `.dvc/config` file. Unknown sections and keys are ignored. */
export function parseDvcConfig(text: string): DvcConfig {
  const config: DvcConfig = { remotes: {} };
  let section = '';
  for (const rawLine of text.split(/\r?\n/)) {
    const line = rawLine.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const header = /^\[(.*)\]$/.exec(line);
    if (header) {
      section = unquote(header[1]!).trim();
      continue;
    }
    const eq = line.indexOf('=');
    if (eq === -1) continue;
    const key = line.slice(0, eq).trim().toLowerCase();
    const values = parseValue(line.slice(eq + 1));
    const value = values.join(',');
    const remote = /^remote\s+"(.+)"$/.exec(section);
    if (section === 'core' && key === 'remote') config.defaultRemote = value;
    else if (section === 'cache' && key === 'dir') config.cacheDir = value;
    else if (section === 'cache' && key === 'type')
      config.cacheType = values.flatMap((v) => v.split(',').map((t) => t.trim()));
    else if (remote) {
      const r = (config.remotes[remote[1]!] ??= {});
      if (
        key === 'url' ||
        key === 'endpointurl' ||
        key === 'region' ||
        key === 'profile' ||
        key === 'jobs'
      )
        r[key] = value;
    }
  }
  return config;
}

/** `.dvc/config` overlaid with `.dvc/config.local` (which wins, as in DVC). */
export function mergeDvcConfigs(base: DvcConfig, local: DvcConfig): DvcConfig {
  const remotes: Record<string, DvcConfigRemote> = { ...base.remotes };
  for (const [name, r] of Object.entries(local.remotes)) remotes[name] = { ...remotes[name], ...r };
  const merged: DvcConfig = { remotes };
  const defaultRemote = local.defaultRemote ?? base.defaultRemote;
  if (defaultRemote !== undefined) merged.defaultRemote = defaultRemote;
  const cacheDir = local.cacheDir ?? base.cacheDir;
  if (cacheDir !== undefined) merged.cacheDir = cacheDir;
  const cacheType = local.cacheType ?? base.cacheType;
  if (cacheType !== undefined) merged.cacheType = cacheType;
  return merged;
}
