// Bundles the CLI and the action into dist/ (ESM, code-split so each command loads on first use),
// and records what the action needs to fetch DuckDB's native binding at run time (ADR 0003).
import { build } from 'esbuild';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';

const root = new URL('..', import.meta.url);
const pkg = JSON.parse(readFileSync(new URL('package.json', root), 'utf8'));
const lock = JSON.parse(readFileSync(new URL('package-lock.json', root), 'utf8'));

rmSync(new URL('dist', root), { recursive: true, force: true });
await build({
  absWorkingDir: root.pathname,
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

// The binding per platform, pinned by package-lock.json: name, version and sha512 integrity.
const packages = lock.packages ?? {};
const bindings = packages['node_modules/@duckdb/node-bindings'];
const platforms = {};
for (const name of Object.keys(bindings?.optionalDependencies ?? {})) {
  const entry = packages[`node_modules/${name}`];
  if (!entry?.integrity) continue;
  platforms[name.slice('@duckdb/node-bindings-'.length)] = {
    name,
    version: entry.version,
    integrity: entry.integrity,
  };
}
writeFileSync(
  new URL('dist/duckdb-binding.json', root),
  JSON.stringify({ version: bindings?.version, platforms }, null, 2) + '\n',
);

// The small JavaScript around it travels with the action: the API, the loader of the binding,
// and the loader's one dependency. The 70 MB binary does not (it is downloaded on first use).
for (const dep of ['@duckdb/node-api', '@duckdb/node-bindings', 'detect-libc']) {
  const from = new URL(`node_modules/${dep}/`, root);
  if (!existsSync(from)) continue;
  const to = new URL(`dist/node_modules/${dep}/`, root);
  mkdirSync(to, { recursive: true });
  cpSync(from, to, { recursive: true });
}
