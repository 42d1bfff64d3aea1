#!/usr/bin/env node
// The CLI lives in dist/, built by `npm run build` (npm ci runs it through `prepare`).
try {
  await import('../dist/cli.js');
} catch (error) {
  if (error?.code === 'ERR_MODULE_NOT_FOUND' && String(error.message).includes('dist/cli.js')) {
    process.stderr.write('error: gitops-ml is not built; run "npm run build" in its directory\n');
    process.exit(3);
  }
  throw error;
}
