// `npm run emulator`: a local GitHub to point gitops-ml (or anything else) at by hand.
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { basicCredential } from '../../src/github/git-transport.ts';
import { GitHubEmulator } from './index.ts';

const { values } = parseArgs({
  options: {
    repo: { type: 'string', default: 'acme/ml' },
    from: { type: 'string' },
    port: { type: 'string', default: '0' },
    enterprise: { type: 'boolean', default: false },
    quiet: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h' },
  },
});

if (values.help) {
  console.log(`usage: npm run emulator -- [--repo owner/name] [--from <git repo>] [--port N] [--enterprise] [--quiet]

Starts the GitHub emulator on 127.0.0.1 with one repository (its default branch from the HEAD of
--from, a README otherwise), prints the environment to use it, and logs each request.`);
  process.exit(0);
}

const gh = await GitHubEmulator.start({
  enterprise: values.enterprise,
  port: Number(values.port),
  ...(values.quiet
    ? {}
    : {
        onRequest: (e) =>
          console.log(`${e.method} ${e.path} ${e.status}${e.fault ? ` (fault: ${e.fault})` : ''}`),
      }),
});
const repo = await gh.createRepo(
  values.repo,
  values.from ? {} : { files: { 'README.md': `# ${values.repo}\n` } },
);
if (values.from) {
  const from = resolve(values.from);
  await new Promise<void>((done, fail) =>
    execFile(
      'git',
      ['-C', from, 'push', '-q', repo.git.dir, `HEAD:refs/heads/${repo.defaultBranch}`],
      (error) =>
        error ? fail(new Error(`cannot push ${from} into the emulator`, { cause: error })) : done(),
    ),
  );
  await gh.state.syncRefs(repo);
}
const token = gh.issueToken('github-actions[bot]');
const basic = basicCredential(token);
console.log(`GitHub emulator: ${gh.serverUrl} (REST at ${gh.apiUrl}), repository ${values.repo}

export GITHUB_API_URL=${gh.apiUrl}
export GITHUB_SERVER_URL=${gh.serverUrl}
export GITHUB_REPOSITORY=${values.repo}
export GITHUB_TOKEN=${token}

git -c http.extraheader="AUTHORIZATION: basic ${basic}" clone ${gh.serverUrl}/${values.repo}.git

Ctrl-C stops it (the repositories live in a temporary directory and are removed).`);

const stop = () => {
  void gh.close().then(() => process.exit(0));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
