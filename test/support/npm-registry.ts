import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { projectRoot } from './temp.ts';

export interface Tarball {
  name: string;
  version: string;
  bytes: Buffer;
  integrity: string;
  /** True when these are the registry's own bytes (from the npm cache), as pinned by the lockfile. */
  pinned: boolean;
}

function integrityOf(bytes: Buffer): string {
  return `sha512-${createHash('sha512').update(bytes).digest('base64')}`;
}

/**
 * The npm tarball of an installed package: the exact bytes from npm's cache when they are there
 * (content-addressed by the lockfile's integrity), else the installed files packed again.
 */
export function packageTarball(name: string): Tarball {
  const lock = JSON.parse(readFileSync(join(projectRoot, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, { version: string; integrity: string }>;
  };
  const entry = lock.packages[`node_modules/${name}`];
  if (!entry) throw new Error(`${name} is not in package-lock.json`);
  const hex = Buffer.from(entry.integrity.slice('sha512-'.length), 'base64').toString('hex');
  const cached = join(
    homedir(),
    '.npm/_cacache/content-v2/sha512',
    hex.slice(0, 2),
    hex.slice(2, 4),
    hex.slice(4),
  );
  if (existsSync(cached)) {
    const bytes = readFileSync(cached);
    if (integrityOf(bytes) === entry.integrity)
      return { name, version: entry.version, bytes, integrity: entry.integrity, pinned: true };
  }
  const bytes = execFileSync(
    'tar',
    [
      '-czf',
      '-',
      '--transform',
      's,^\\.,package,',
      '-C',
      join(projectRoot, 'node_modules', name),
      '.',
    ],
    {
      maxBuffer: 512 * 1024 * 1024,
    },
  );
  return { name, version: entry.version, bytes, integrity: integrityOf(bytes), pinned: false };
}

/** A minimal npm registry on 127.0.0.1 serving tarballs at npm's paths, with a request log. */
export async function startRegistry(
  tarballs: readonly { name: string; version: string; bytes: Buffer }[],
) {
  const requests: string[] = [];
  const server = createServer((req, res) => {
    requests.push(req.url ?? '');
    const hit = tarballs.find((t) => {
      const bare = t.name.slice(t.name.indexOf('/') + 1);
      return req.url === `/${t.name}/-/${bare}-${t.version}.tgz`;
    });
    if (!hit) {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end('{"error":"Not found"}');
      return;
    }
    res.writeHead(200, {
      'content-type': 'application/octet-stream',
      'content-length': hit.bytes.length,
    });
    res.end(hit.bytes);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
