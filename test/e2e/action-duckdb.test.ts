import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { platformKey } from '../../src/action/duckdb-binding.ts';
import { installedAction } from '../emulator/runner.ts';
import { packageTarball, startRegistry } from '../support/npm-registry.ts';

function node(cwd: string, script: string, env: Record<string, string>) {
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
    cwd,
    env: { PATH: process.env.PATH ?? '', ...env },
  });
  let out = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr.on('data', (c: Buffer) => (out += c.toString()));
  return new Promise<{ code: number | null; out: string }>((resolve) =>
    child.on('close', (code) => resolve({ code, out })),
  );
}

it.runIf(platformKey() === 'linux-x64')(
  'the installed action fetches DuckDB from the configured registry, checks it, and queries with it',
  async () => {
    const action = installedAction();
    const dist = join(action, 'dist');
    const binding = join(dist, 'node_modules/@duckdb/node-bindings-linux-x64');
    expect(existsSync(binding)).toBe(false);
    const tarball = packageTarball('@duckdb/node-bindings-linux-x64');
    const registry = await startRegistry([tarball]);
    try {
      const script = `
        const { ensureDuckDbBinding } = await import(${JSON.stringify(`file://${dist}/action.js`)});
        const r = await ensureDuckDbBinding({ distDir: ${JSON.stringify(dist)}, env: process.env, log: console.log });
        const { DuckDBInstance } = await import('@duckdb/node-api');
        const db = await DuckDBInstance.create(':memory:');
        const rows = await (await db.connect()).runAndReadAll('select 40 + 2 as answer');
        console.log('answer', rows.getRowObjects()[0].answer, 'downloaded', r.downloaded);`;
      const first = await node(dist, script, { npm_config_registry: registry.url });
      expect(first.out).toContain('answer 42 downloaded true');
      expect(first.code).toBe(0);
      expect(registry.requests).toEqual([
        `/@duckdb/node-bindings-linux-x64/-/node-bindings-linux-x64-${tarball.version}.tgz`,
      ]);
      const second = await node(dist, script, { npm_config_registry: registry.url });
      expect(second.out).toContain('answer 42 downloaded false');
      expect(registry.requests).toHaveLength(1);
    } finally {
      await registry.close();
    }
  },
);
