import { createHash, randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import * as z from 'zod';
import { InfraError } from '../errors.ts';
import { extractTar, readTar } from './tar.ts';

/**
 * DuckDB's native binding for the action (docs/adr/0003): the build records the exact package
 * and integrity of each platform's binding (dist/duckdb-binding.json, from package-lock.json);
 * on first use the action downloads the one for this machine from the npm registry, checks it
 * and unpacks it next to the bundle, where `@duckdb/node-bindings` finds it.
 */

export const BINDING_MANIFEST = 'duckdb-binding.json';

export const BindingManifest = z.object({
  version: z.string(),
  platforms: z.record(
    z.string(),
    z.object({
      name: z.string(),
      version: z.string(),
      integrity: z.string().startsWith('sha512-'),
    }),
  ),
});
export type BindingManifest = z.infer<typeof BindingManifest>;

/** The commands that open DuckDB, and so need the binding before they start. */
export const DUCKDB_COMMANDS: ReadonlySet<string> = new Set([
  'run',
  'data validate',
  'data profile',
  'monitor',
]);

export function needsDuckDb(command: string, args: readonly string[]): boolean {
  return DUCKDB_COMMANDS.has(command) || DUCKDB_COMMANDS.has(`${command} ${args[0] ?? ''}`);
}

/** linux-x64, linux-arm64-musl, darwin-arm64: the suffix of the binding package for this machine. */
export function platformKey(
  platform: string = process.platform,
  arch: string = process.arch,
  musl: boolean = isMusl(),
): string {
  return `${platform}-${arch}${platform === 'linux' && musl ? '-musl' : ''}`;
}

function isMusl(): boolean {
  if (process.platform !== 'linux') return false;
  const header = (
    process.report?.getReport() as { header?: { glibcVersionRuntime?: string } } | undefined
  )?.header;
  return header?.glibcVersionRuntime === undefined;
}

/** The tarball URL npm uses for a scoped package: <registry>/@scope/name/-/name-<version>.tgz */
export function tarballUrl(registry: string, name: string, version: string): string {
  const base = registry.endsWith('/') ? registry : `${registry}/`;
  const bare = name.slice(name.indexOf('/') + 1);
  return `${base}${name}/-/${bare}-${version}.tgz`;
}

/** Check bytes against an npm integrity string (sha512-<base64>). */
export function verifyIntegrity(bytes: Uint8Array, integrity: string): boolean {
  const expected = integrity.slice('sha512-'.length);
  return createHash('sha512').update(bytes).digest('base64') === expected;
}

async function installedVersion(dir: string): Promise<string | undefined> {
  try {
    return (JSON.parse(await readFile(join(dir, 'package.json'), 'utf8')) as { version?: string })
      .version;
  } catch {
    return undefined;
  }
}

export interface EnsureOptions {
  /** The action's dist/ directory (holds the manifest and node_modules). */
  distDir: string;
  env: Readonly<Record<string, string | undefined>>;
  /** Defaults to this machine's. */
  platform?: string;
  log?: (message: string) => void;
  fetch?: typeof fetch;
}

export interface EnsureResult {
  name: string;
  version: string;
  path: string;
  /** False when it was already there (a self-hosted runner keeps it across jobs). */
  downloaded: boolean;
}

/** Make sure this machine's DuckDB binding is in `<distDir>/node_modules`; download it if not. */
export async function ensureDuckDbBinding(options: EnsureOptions): Promise<EnsureResult> {
  const manifestPath = join(options.distDir, BINDING_MANIFEST);
  let manifest: BindingManifest;
  try {
    manifest = BindingManifest.parse(JSON.parse(await readFile(manifestPath, 'utf8')));
  } catch (error) {
    throw new InfraError(`the action's ${BINDING_MANIFEST} is missing or broken`, {
      cause: error,
      hint: 'rebuild the action with "npm run build"; a release must include dist/',
    });
  }
  const key = options.platform ?? platformKey();
  const pkg = manifest.platforms[key];
  if (!pkg)
    throw new InfraError(`DuckDB has no native binding for ${key}`, {
      hint: `supported: ${Object.keys(manifest.platforms).join(', ')}`,
    });
  const target = join(options.distDir, 'node_modules', ...pkg.name.split('/'));
  const result = { name: pkg.name, version: pkg.version, path: target };
  if ((await installedVersion(target)) === pkg.version) return { ...result, downloaded: false };
  const registry =
    options.env.npm_config_registry ||
    options.env.NPM_CONFIG_REGISTRY ||
    'https://registry.npmjs.org/';
  const url = tarballUrl(registry, pkg.name, pkg.version);
  const get = options.fetch ?? fetch;
  let bytes: Uint8Array;
  try {
    const response = await get(url, { signal: AbortSignal.timeout(300_000) });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    bytes = new Uint8Array(await response.arrayBuffer());
  } catch (error) {
    throw new InfraError(
      `cannot download ${pkg.name}@${pkg.version} from ${registry}: ${(error as Error).message}`,
      {
        cause: error,
        hint: 'the runner needs the npm registry (set npm_config_registry to use a mirror), or a binding directory (duckdb-binding-dir input)',
      },
    );
  }
  if (!verifyIntegrity(bytes, pkg.integrity))
    throw new InfraError(
      `${pkg.name}@${pkg.version} from ${registry} does not match its recorded integrity`,
      {
        hint: 'the registry served different bytes than the lockfile pinned; check the mirror',
      },
    );
  const temp = `${target}.${randomUUID()}.tmp`;
  try {
    await mkdir(dirname(target), { recursive: true });
    await extractTar(readTar(gunzipSync(bytes)), temp);
    // A different version left by an older copy of the action is replaced, not mixed with.
    if ((await installedVersion(target)) !== undefined)
      await rm(target, { recursive: true, force: true });
    try {
      await rename(temp, target);
    } catch (error) {
      // Another job on this runner finished first: its copy is as good as ours.
      if ((await installedVersion(target)) !== pkg.version) throw error;
    }
  } finally {
    await rm(temp, { recursive: true, force: true });
  }
  options.log?.(
    `downloaded ${pkg.name}@${pkg.version} (${(bytes.length / 1024 / 1024).toFixed(1)} MB) from ${registry}`,
  );
  return { ...result, downloaded: true };
}
