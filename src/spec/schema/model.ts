import * as z from 'zod';
import {
  ArtifactName,
  EnvironmentName,
  Goal,
  Identifier,
  MetricKey,
  Owner,
  RepoPath,
} from './common.ts';

export const Gate = z
  .strictObject({
    metric: MetricKey,
    min: z.number().optional().describe('The metric must be at least this.'),
    max: z.number().optional().describe('The metric must be at most this.'),
    notWorseThan: z
      .string()
      .min(1)
      .optional()
      .describe('"base" (the PR base branch) or an environment name (the version running there).'),
    tolerance: z
      .number()
      .nonnegative()
      .optional()
      .describe(
        'How much worse than `notWorseThan` is still accepted (absolute, in metric units).',
      ),
  })
  .superRefine((gate, ctx) => {
    if (gate.min === undefined && gate.max === undefined && gate.notWorseThan === undefined) {
      ctx.addIssue({
        code: 'custom',
        message: 'a gate needs "min", "max" or "notWorseThan"',
        path: [],
      });
    }
    if (gate.min !== undefined && gate.max !== undefined && gate.min > gate.max) {
      ctx.addIssue({ code: 'custom', message: '"min" is greater than "max"', path: ['min'] });
    }
    if (gate.tolerance !== undefined && gate.notWorseThan === undefined) {
      ctx.addIssue({
        code: 'custom',
        message: '"tolerance" only applies with "notWorseThan"',
        path: ['tolerance'],
        params: { at: 'key' },
      });
    }
  })
  .meta({ id: 'Gate' });
export type Gate = z.infer<typeof Gate>;

export const DeployTarget = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('manifest'),
    manifest: RepoPath.describe('A YAML manifest to update (Argo CD / Flux pick it up).'),
    field: z
      .string()
      .min(1)
      .describe('Dotted path of the field that holds the artifact URI, e.g. spec.model.uri.'),
  }),
  z.strictObject({
    kind: z.literal('kserve'),
    manifest: RepoPath.describe('A KServe InferenceService manifest; storageUri is updated.'),
  }),
  z.strictObject({
    kind: z.literal('command'),
    cmd: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]),
    secrets: z.array(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/)).optional(),
  }),
]);
export type DeployTarget = z.infer<typeof DeployTarget>;

export const Environment = z.strictObject({
  approvals: z
    .number()
    .int()
    .nonnegative()
    .optional()
    .describe('Approving reviews on the promotion PR head commit (default 1).'),
  reviewers: z
    .array(Owner)
    .min(1)
    .optional()
    .describe("Who may approve (default: the model's owners)."),
  after: z
    .union([EnvironmentName, z.array(EnvironmentName).min(1)])
    .optional()
    .describe('Environments a version must reach first.'),
  gates: z.array(Gate).optional().describe('Extra gates for this environment.'),
  deploy: DeployTarget.optional(),
  auto: z
    .boolean()
    .optional()
    .describe('Open the promotion PR as soon as a version is registered and passes the gates.'),
});
export type Environment = z.infer<typeof Environment>;

export const ModelMetrics = z.strictObject({
  file: RepoPath.optional().describe('A metrics output of the pipeline (default: its only one).'),
  primary: MetricKey,
  goal: Goal,
  tracked: z
    .record(MetricKey, Goal)
    .optional()
    .describe('More metrics shown in comments and usable in gates, with their goals.'),
});

export const ModelCard = z.strictObject({
  language: z.union([z.string(), z.array(z.string())]).optional(),
  license: z.string().optional(),
  tags: z.array(z.string()).optional(),
  datasets: z.array(z.string()).optional(),
  intendedUse: z.string().optional(),
  limitations: z.string().optional(),
  ethicalConsiderations: z.string().optional(),
  template: RepoPath.optional().describe('A Markdown template for the card body.'),
});

export const Model = z.strictObject({
  name: ArtifactName,
  description: z.string().optional(),
  type: z.string().optional().describe('GTO artifact type (default "model").'),
  labels: z.array(z.string()).optional(),
  pipeline: Identifier,
  artifact: RepoPath.describe('The model file or directory, an output of a pipeline stage.'),
  owners: z.array(Owner).min(1),
  metrics: ModelMetrics,
  gates: z.array(Gate).optional(),
  environments: z
    .record(EnvironmentName, Environment)
    .refine((e) => Object.keys(e).length > 0, { error: 'a model has at least one environment' }),
  card: ModelCard.optional(),
  monitor: z
    .strictObject({
      reference: RepoPath.optional().describe(
        'Training reference data (default: the train dataset).',
      ),
      dataset: Identifier.optional().describe('The pipeline dataset that is the reference.'),
      threshold: z.number().positive().optional(),
      share: z.number().min(0).max(1).optional(),
    })
    .optional(),
});
export type Model = z.infer<typeof Model>;
