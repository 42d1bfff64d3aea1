// Bundles the CLI and the action into dist/ (ESM, code-split so each command loads on first use).
import { build } from 'esbuild';
import { readFileSync, rmSync } from 'node:fs';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));

rmSync(new URL('../dist', import.meta.url), { recursive: true, force: true });
await build({
  absWorkingDir: new URL('..', import.meta.url).pathname,
  entryPoints: { cli: 'src/cli/bin.ts', action: 'src/action/main.ts' },
  outdir: 'dist',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  define: { __GITOPS_ML_VERSION__: JSON.stringify(pkg.version) },
  // DuckDB's native binding is resolved at run time (docs/adr/0003-action-packaging.md).
  external: ['@duckdb/*'],
  // Bundled CommonJS dependencies may call require().
  banner: {
    js: "import { createRequire as __gitopsMlRequire } from 'node:module';\nconst require = __gitopsMlRequire(import.meta.url);",
  },
  chunkNames: 'chunks/[name]-[hash]',
  sourcemap: 'linked',
  legalComments: 'linked',
  logLevel: 'warning',
});
