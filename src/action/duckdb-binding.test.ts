import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packageTarball, startRegistry, type Tarball } from '../../test/support/npm-registry.ts';
import { tempDir } from '../../test/support/temp.ts';
import { InfraError } from '../errors.ts';
import {
  BINDING_MANIFEST,
  ensureDuckDbBinding,
  needsDuckDb,
  platformKey,
  tarballUrl,
} from './duckdb-binding.ts';
import { extractTar, readTar } from './tar.ts';

/** A tar archive built by hand: one 512-byte header per entry, as ustar lays them out. */
function tar(entries: { name: string; type?: string; data?: string; linkname?: string }[]): Buffer {
  const blocks: Buffer[] = [];
  for (const e of entries) {
    const data = Buffer.from(e.data ?? '');
    const header = Buffer.alloc(512);
    header.write(e.name, 0, 100);
    header.write('0000644\0', 100);
    header.write(data.length.toString(8).padStart(11, '0') + '\0', 124);
    header.write(e.type ?? '0', 156);
    if (e.linkname) header.write(e.linkname, 157, 100);
    header.write('ustar\0', 257);
    blocks.push(header, data, Buffer.alloc((512 - (data.length % 512)) % 512));
  }
  return Buffer.concat([...blocks, Buffer.alloc(1024)]);
}

describe('tar extraction', () => {
  it('unpacks regular files without the package/ prefix', async () => {
    const dir = tempDir();
    await extractTar(
      readTar(
        tar([
          { name: 'package/package.json', data: '{}' },
          { name: 'package/lib/a.js', data: 'x' },
        ]),
      ),
      dir,
    );
    expect(readFileSync(join(dir, 'lib/a.js'), 'utf8')).toBe('x');
    expect(readdirSync(dir).sort()).toEqual(['lib', 'package.json']);
  });

  it('refuses links and paths that leave the package', async () => {
    expect(() =>
      readTar(tar([{ name: 'package/evil', type: '2', linkname: '/etc/passwd' }])),
    ).toThrow('refusing tar entry package/evil: type "2" (links are not allowed)');
    await expect(
      extractTar(readTar(tar([{ name: 'package/../../escape', data: 'x' }])), tempDir()),
    ).rejects.toThrow('refusing tar entry package/../../escape: it points outside the package');
  });
});

describe('the DuckDB binding loader', () => {
  let real: Tarball;
  let registry: Awaited<ReturnType<typeof startRegistry>>;
  const key = platformKey('linux', 'x64', false);

  beforeAll(async () => {
    real = packageTarball(`@duckdb/node-bindings-${key}`);
    const tampered = Buffer.from(real.bytes);
    tampered[tampered.length - 100]! ^= 0xff;
    registry = await startRegistry([
      real,
      { name: '@duckdb/node-bindings-linux-arm64', version: real.version, bytes: tampered },
    ]);
  });
  afterAll(() => registry.close());

  function dist(platforms: Record<string, string>): string {
    const dir = tempDir('gitops-ml-dist-');
    mkdirSync(join(dir, 'node_modules'), { recursive: true });
    const manifest = {
      version: real.version,
      platforms: Object.fromEntries(
        Object.entries(platforms).map(([k, integrity]) => [
          k,
          { name: `@duckdb/node-bindings-${k}`, version: real.version, integrity },
        ]),
      ),
    };
    writeFileSync(join(dir, BINDING_MANIFEST), JSON.stringify(manifest));
    return dir;
  }

  it('serves the pinned bytes when npm cached them', () => {
    // When this fails the test still runs, against a re-packed tarball: say so.
    if (!real.pinned)
      console.warn('npm cache lacks the binding tarball: testing with a re-packed one');
    expect(real.integrity).toMatch(/^sha512-/);
  });

  it('downloads, checks and unpacks the binding once', async () => {
    const distDir = dist({ [key]: real.integrity });
    const env = { npm_config_registry: registry.url };
    const first = await ensureDuckDbBinding({ distDir, env, platform: key });
    expect(first).toEqual({
      name: `@duckdb/node-bindings-${key}`,
      version: real.version,
      path: join(distDir, 'node_modules/@duckdb', `node-bindings-${key}`),
      downloaded: true,
    });
    expect(registry.requests.at(-1)).toBe(
      `/@duckdb/node-bindings-${key}/-/node-bindings-${key}-${real.version}.tgz`,
    );
    const so = readFileSync(join(first.path, 'libduckdb.so'));
    const installed = readFileSync(
      join('node_modules/@duckdb', `node-bindings-${key}`, 'libduckdb.so'),
    );
    expect(createHash('sha256').update(so).digest('hex')).toBe(
      createHash('sha256').update(installed).digest('hex'),
    );
    const requests = registry.requests.length;
    expect((await ensureDuckDbBinding({ distDir, env, platform: key })).downloaded).toBe(false);
    expect(registry.requests.length).toBe(requests);
  });

  it('refuses bytes that do not match the recorded integrity, leaving nothing behind', async () => {
    const distDir = dist({ 'linux-arm64': real.integrity });
    const error = await ensureDuckDbBinding({
      distDir,
      env: { npm_config_registry: registry.url },
      platform: 'linux-arm64',
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InfraError);
    expect((error as InfraError).message).toBe(
      `@duckdb/node-bindings-linux-arm64@${real.version} from ${registry.url} does not match its recorded integrity`,
    );
    expect(readdirSync(join(distDir, 'node_modules'))).toEqual([]);
  });

  it('says which platforms exist, and what to do when the registry is unreachable', async () => {
    const distDir = dist({ [key]: real.integrity });
    await expect(ensureDuckDbBinding({ distDir, env: {}, platform: 'aix-ppc64' })).rejects.toThrow(
      'DuckDB has no native binding for aix-ppc64',
    );
    const offline = await ensureDuckDbBinding({
      distDir,
      env: { npm_config_registry: 'http://127.0.0.1:9/' },
      platform: key,
    }).catch((e: unknown) => e);
    expect((offline as InfraError).hint).toMatch(/npm_config_registry/);
    expect(existsSync(join(distDir, 'node_modules/@duckdb'))).toBe(false);
  });

  it('knows which commands need DuckDB and where npm keeps scoped tarballs', () => {
    expect(needsDuckDb('data', ['validate', 'penguins'])).toBe(true);
    expect(needsDuckDb('validate', [])).toBe(false);
    expect(needsDuckDb('report', [])).toBe(false);
    expect(tarballUrl('https://npm.example/r', '@duckdb/node-bindings-linux-x64', '1.2.3')).toBe(
      'https://npm.example/r/@duckdb/node-bindings-linux-x64/-/node-bindings-linux-x64-1.2.3.tgz',
    );
  });
});
