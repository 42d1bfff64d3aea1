import * as z from 'zod';
import { Deployment } from './schema/deployment.ts';
import { Model } from './schema/model.ts';
import { Pipeline } from './schema/pipeline.ts';
import { RepoConfig } from './schema/repo-config.ts';

/** The spec kinds with a JSON Schema in schemas/, by file name stem. */
export const specSchemas = {
  'repo-config': { schema: RepoConfig, title: 'gitops-ml repository config (gitops-ml.yaml)' },
  pipeline: { schema: Pipeline, title: 'gitops-ml pipeline (pipelines/<name>.yaml)' },
  model: { schema: Model, title: 'gitops-ml model (models/<name>.yaml)' },
  deployment: { schema: Deployment, title: 'gitops-ml deployment state (deployments/<env>.yaml)' },
} as const;

/** JSON Schemas (draft 2020-12) generated from the zod schemas, as written to schemas/. */
export function jsonSchemas(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, { schema, title }] of Object.entries(specSchemas)) {
    const generated = z.toJSONSchema(schema, {
      target: 'draft-2020-12',
      io: 'input',
      unrepresentable: 'any',
    });
    const { $schema, ...rest } = generated;
    const document = { $schema, title, ...rest };
    out[`${name}.schema.json`] = JSON.stringify(document, null, 2) + '\n';
  }
  return out;
}
