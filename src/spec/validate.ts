import { compareDiagnostics, type Diagnostic } from '../diagnostic.ts';
import { checkDeployments } from './checks/deployments.ts';
import { Findings } from './findings.ts';
import { checkModels } from './checks/models.ts';
import { checkPipelines } from './checks/pipelines.ts';
import { resolvePipeline, type ResolvedPipeline } from './expand.ts';
import { loadRepo } from './load.ts';
import type { LoadedRepo, RepoReader } from './repo.ts';

export interface ValidationSummary {
  files: number;
  pipelines: number;
  stages: number;
  models: number;
  deployments: number;
  errors: number;
  warnings: number;
}

export interface Validation {
  valid: boolean;
  diagnostics: Diagnostic[];
  summary: ValidationSummary;
  repo: LoadedRepo;
  pipelines: ResolvedPipeline[];
}

/**
 * Load and check every spec of a repository: syntax, schemas, then cross-references, all in one
 * pass. A file that does not load is left out of the cross-checks, and references into it are not
 * reported again as unknown.
 */
export async function validateRepo(reader: RepoReader): Promise<Validation> {
  const { repo, diagnostics } = await loadRepo(reader);
  const findings = new Findings();
  const pipelines: ResolvedPipeline[] = [];
  let complete = repo.broken.pipelines.size === 0;
  for (const spec of repo.pipelines) {
    const resolved = resolvePipeline(spec, repo, findings);
    if (!resolved.exact || spec.partial === true) complete = false;
    pipelines.push(resolved);
  }
  const outputs = checkPipelines(repo, pipelines, findings, { complete });
  const byName = new Map(pipelines.map((p) => [p.name, p]));
  checkModels(repo, byName, outputs, findings);
  checkDeployments(repo, findings);
  diagnostics.push(...findings.list);
  diagnostics.sort(compareDiagnostics);
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  return {
    valid: errors === 0,
    diagnostics,
    summary: {
      files: repo.fileCount,
      pipelines: repo.pipelines.length,
      stages: pipelines.reduce((n, p) => n + p.stages.length, 0),
      models: repo.models.length,
      deployments: repo.deployments.length,
      errors,
      warnings: diagnostics.length - errors,
    },
    repo,
    pipelines,
  };
}
