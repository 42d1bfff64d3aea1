// Set-up for bench/github.bench.mjs, bundled by it with esbuild: the emulator, a pull request on
// the example repository with other people's comments, and a pipeline's report results.
import { writeReportModel } from '../src/github/report/store.ts';
import { exampleRepoFiles } from '../test/emulator/example-repo.ts';
import { GitHubEmulator } from '../test/emulator/index.ts';
import { penguinsReport } from '../test/support/report-data.ts';

export { GitHubEmulator, writeReportModel, penguinsReport };
export { basicCredential } from '../src/github/git-transport.ts';

export async function pullRequestWithComments(root: string, comments: number) {
  const gh = await GitHubEmulator.start();
  const example = exampleRepoFiles(root);
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
