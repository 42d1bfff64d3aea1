// Set-up for bench/github.bench.mjs, bundled by it with esbuild: the emulator, a pull request on
// the example repository with other people's comments, and a pipeline's report results.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { writeReportModel } from '../src/github/report/store.ts';
import { GitHubEmulator } from '../test/emulator/index.ts';
import { penguinsReport } from '../test/support/report-data.ts';

export { GitHubEmulator, writeReportModel, penguinsReport };

function files(root: string, dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(root, join(dir, e.name)) : [join(dir, e.name)],
  );
}

export async function pullRequestWithComments(root: string, comments: number) {
  const gh = await GitHubEmulator.start();
  const example: Record<string, string> = {};
  for (const path of [
    'gitops-ml.yaml',
    'params.yaml',
    'pipelines/penguins.yaml',
    'models/penguins.yaml',
    'data/penguins.json',
  ])
    example[path] = readFileSync(join(root, path), 'utf8');
  for (const dir of ['deployments', 'deploy', 'examples'])
    for (const f of files(root, dir)) example[f] = readFileSync(join(root, f), 'utf8');
  await gh.createRepo('acme/ml', { files: example });
  await gh.commit(
    'acme/ml',
    'tune',
    { 'params.yaml': example['params.yaml']!.replace('lr: 0.5', 'lr: 0.25') },
    { author: 'alice' },
  );
  const pr = await gh.openPullRequest('acme/ml', {
    head: 'tune',
    title: 'Lower lr',
    user: 'alice',
  });
  for (let i = 0; i < comments; i++)
    gh.addComment('acme/ml', pr.number, `Looks good to me (${i})`, i % 2 ? 'bob' : 'carol');
  const payload = await gh.pullRequestPayload('acme/ml', pr.number, 'synchronize');
  return { gh, number: pr.number, payload, token: gh.issueToken('github-actions[bot]') };
}
