import { batches } from '../forge/batches.ts';
import type { CheckAnnotation, CheckRun, CheckRunSpec, RepoId } from '../forge/port.ts';
import { describe } from './errors.ts';
import type { GitHubClient } from './octokit.ts';

/** GitHub's limits: 50 annotations per request, 65,535 characters per output text. */
export const ANNOTATIONS_PER_REQUEST = 50;
export const MAX_CHECK_TEXT = 65535;

function clip(text: string): string {
  if (text.length <= MAX_CHECK_TEXT) return text;
  const note =
    '\n\n…(truncated: the full report is in the pull request comment and the job summary)';
  return text.slice(0, MAX_CHECK_TEXT - note.length) + note;
}

function toApi(a: CheckAnnotation) {
  const sameLine = a.startLine === a.endLine;
  return {
    path: a.path,
    start_line: a.startLine,
    end_line: a.endLine,
    ...(sameLine && a.startColumn !== undefined ? { start_column: a.startColumn } : {}),
    ...(sameLine && a.endColumn !== undefined ? { end_column: a.endColumn } : {}),
    annotation_level: a.level,
    message: a.message.slice(0, 64 * 1024),
    ...(a.title ? { title: a.title.slice(0, 255) } : {}),
  };
}

/**
 * Create a check run and add its annotations 50 at a time (GitHub appends them on each update).
 * The conclusion goes with the last request, so the run never shows "completed" with only part
 * of its annotations.
 */
export async function publishCheckRun(
  client: GitHubClient,
  repo: RepoId,
  spec: CheckRunSpec,
): Promise<CheckRun> {
  const chunks = batches(spec.annotations ?? [], ANNOTATIONS_PER_REQUEST);
  if (chunks.length === 0) chunks.push([]);
  const output = (annotations: readonly CheckAnnotation[]) => ({
    title: spec.title.slice(0, 255),
    summary: clip(spec.summary),
    ...(spec.text ? { text: clip(spec.text) } : {}),
    annotations: annotations.map(toApi),
  });
  const finish = (last: boolean) =>
    last && spec.conclusion
      ? { status: 'completed' as const, conclusion: spec.conclusion }
      : { status: 'in_progress' as const };
  const doing = `publish check run "${spec.name}" on ${spec.headSha.slice(0, 7)}`;
  const { data: created } = await describe(doing, () =>
    client.rest.checks.create({
      ...repo,
      name: spec.name,
      head_sha: spec.headSha,
      ...(spec.detailsUrl ? { details_url: spec.detailsUrl } : {}),
      ...(spec.externalId ? { external_id: spec.externalId } : {}),
      ...finish(chunks.length === 1),
      output: output(chunks[0]!),
    }),
  );
  for (let i = 1; i < chunks.length; i++) {
    await describe(doing, () =>
      client.rest.checks.update({
        ...repo,
        check_run_id: created.id,
        ...finish(i === chunks.length - 1),
        output: output(chunks[i]!),
      }),
    );
  }
  return { id: created.id, url: created.html_url ?? created.url, requests: chunks.length };
}
