import type { LoadedRepo } from '../repo.ts';
import { didYouMean } from '../suggest.ts';
import type { Findings } from '../findings.ts';

/** Deployment state names models that exist, in environments they declare, at their artifact path. */
export function checkDeployments(repo: LoadedRepo, findings: Findings): void {
  const models = new Map(repo.models.map((m) => [m.name, m]));
  for (const deployment of repo.deployments) {
    const env = deployment.name;
    for (const [name, state] of Object.entries(deployment.data.models ?? {})) {
      const model = models.get(name);
      if (!model) {
        if (repo.broken.models) continue;
        findings.error(
          deployment.source,
          ['models', name],
          `model "${name}" is not defined in models/${didYouMean(name, models.keys())}`,
          'unknown-model',
          'key',
        );
        continue;
      }
      const envs = Object.keys(model.data.environments);
      if (!envs.includes(env)) {
        findings.error(
          deployment.source,
          ['models', name],
          `model "${name}" has no environment "${env}" (it has: ${envs.join(', ')})`,
          'unknown-environment',
          'key',
        );
      }
      if (state.artifact.path !== model.data.artifact) {
        findings.error(
          deployment.source,
          ['models', name, 'artifact', 'path'],
          `artifact path "${state.artifact.path}" differs from the model's artifact "${model.data.artifact}"`,
          'artifact-mismatch',
        );
      }
    }
  }
}
