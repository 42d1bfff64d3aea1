import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkoutPullRequest } from '../../../test/emulator/runner.ts';
import { uniqueRepo, useEmulator } from '../../../test/emulator/testing.ts';
import { captureIo } from '../../../test/support/io.ts';
import { penguinsReport } from '../../../test/support/report-data.ts';
import { tempDir } from '../../../test/support/temp.ts';
import { writeReportModel } from '../../github/report/store.ts';
import { execute } from '../main.ts';

const github = useEmulator();

describe('gitops-ml report without a pull request', () => {
  it('prints the report as Markdown', async () => {
    const root = tempDir();
    await writeReportModel(root, penguinsReport());
    const io = captureIo(root);
    const outcome = await execute(['report'], io);
    expect(outcome.exitCode).toBe(0);
    expect(io.out().startsWith('### ✅ `penguins`\n')).toBe(true);
    expect(outcome.outputs).toEqual({ published: 'false' });
  });

  it('says there is nothing to report, and needs a token for --pr', async () => {
    const io = captureIo(tempDir());
    expect((await execute(['report', '--json'], io)).exitCode).toBe(0);
    expect(JSON.parse(io.out())).toEqual({ published: false, pipelines: [] });
    const root = tempDir();
    await writeReportModel(root, penguinsReport());
    const noToken = captureIo(root);
    expect((await execute(['report', '--pr', '3'], noToken)).exitCode).toBe(2);
    expect(noToken.err()).toBe(
      'error: --pr needs GitHub access\nhint: set GITHUB_TOKEN (or GH_TOKEN) and pass --repo owner/name (or set GITHUB_REPOSITORY)\n',
    );
    const bad = captureIo(root);
    expect((await execute(['report', '--pr', 'three'], bad)).exitCode).toBe(2);
    expect(bad.err()).toContain('--pr takes a pull request number, not "three"');
  });
});

describe('gitops-ml report --pr', () => {
  it('commits an overflowing report and SVG charts under a sub-directory root, and links them', async () => {
    const gh = github();
    const name = uniqueRepo();
    await gh.createRepo(name, {
      files: { 'ml/gitops-ml.yaml': 'version: 1\nreport: {charts: svg}\n', 'README.md': '# ml\n' },
    });
    await gh.commit(name, 'big', { 'ml/params.yaml': 'lr: 0.1\n' }, { author: 'alice' });
    const pr = await gh.openPullRequest(name, { head: 'big', title: 'Big', user: 'alice' });
    const token = gh.issueToken('github-actions[bot]');
    const root = join(await checkoutPullRequest(gh, name, pr.number, token), 'ml');
    mkdirSync(join(root, 'metrics'), { recursive: true });
    writeFileSync(join(root, 'metrics/per_class.json'), '{}\n');
    const rows = Array.from({ length: 2500 }, (_, i) => ({
      file: 'metrics/per_class.json',
      name: `class_${i}.recall`,
      value: 0.9,
      base: 0.8,
      goal: 'maximize' as const,
    }));
    await writeReportModel(
      root,
      penguinsReport({ metrics: { baseRef: 'main', rows }, files: ['metrics/per_class.json'] }),
    );
    const io = captureIo(root, {
      GITHUB_TOKEN: token,
      GITHUB_API_URL: gh.apiUrl,
      GITHUB_SERVER_URL: gh.serverUrl,
    });
    const outcome = await execute(
      ['report', '--pr', String(pr.number), '--repo', name, '--json'],
      io,
    );
    expect(io.err()).toContain('penguins: comment created');
    expect(outcome.exitCode).toBe(0);
    const json = JSON.parse(io.out()) as {
      head: string;
      pipelines: { shortened: boolean; fullReport: string }[];
    };
    expect(json.pipelines[0]).toMatchObject({
      shortened: true,
      fullReport: 'ml/.gitops-ml/report/penguins.md',
    });
    const head = json.head;
    const full = await gh.readFile(name, head, 'ml/.gitops-ml/report/penguins.md');
    expect(full!.length).toBeGreaterThan(60_000);
    expect(full).toContain('![Training loss](penguins-chart-1.svg)');
    expect(await gh.readFile(name, head, 'ml/.gitops-ml/report/penguins-chart-1.svg')).toMatch(
      /^<svg /,
    );
    expect(await gh.readFile(name, head, 'ml/metrics/per_class.json')).toBe('{}\n');
    const [comment] = gh.comments(name, pr.number);
    expect(comment!.body.length).toBeLessThanOrEqual(60_000);
    expect(comment!.body).toContain(
      `**The full report is too long for a comment**: [ml/.gitops-ml/report/penguins.md](${gh.serverUrl}/${name}/blob/${head}/ml/.gitops-ml/report/penguins.md).`,
    );
    expect(comment!.body).toContain(
      `![Training loss](${gh.serverUrl}/${name}/blob/${head}/ml/.gitops-ml/report/penguins-chart-1.svg?raw=true)`,
    );
    const [run] = gh.checkRuns(name, head);
    expect(run!.annotations.map((a) => a.path)).toEqual([
      'ml/params.yaml',
      'ml/pipelines/penguins.yaml',
    ]);
  });
});
