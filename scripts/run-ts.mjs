// Runs a TypeScript file with Node 20 (no type stripping there): bundle with esbuild, then import.
import { build } from 'esbuild';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const [entry, ...args] = process.argv.slice(2);
if (!entry) {
  console.error('usage: node scripts/run-ts.mjs <file.ts> [args...]');
  process.exit(2);
}
// Inside the project, so the bundle's bare imports resolve from node_modules.
const root = new URL('..', import.meta.url).pathname;
mkdirSync(join(root, '.tmp'), { recursive: true });
const dir = mkdtempSync(join(root, '.tmp', 'run-'));
const outfile = join(dir, 'main.mjs');
await build({
  entryPoints: [resolve(entry)],
  outfile,
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  define: { __GITOPS_ML_VERSION__: '"dev"' },
  logLevel: 'warning',
});
process.argv = [process.argv[0], resolve(entry), ...args];
try {
  await import(pathToFileURL(outfile).href);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
