import * as z from 'zod';
import {
  Goal,
  Identifier,
  MetricKey,
  ParamKey,
  RepoPath,
  RunsOn,
  Scalar,
  StageName,
} from './common.ts';
import { Stage } from './stage.ts';
import { Dataset, ValidationSuite } from './validation.ts';

export const SweepParam = z.union([
  z.array(Scalar).min(1).describe('Values to try.'),
  z
    .strictObject({
      min: z.number(),
      max: z.number(),
      log: z.boolean().optional(),
      integer: z.boolean().optional(),
    })
    .describe('A range sampled by random search.'),
]);

export const Sweep = z.strictObject({
  method: z.enum(['grid', 'random']),
  params: z.record(ParamKey, SweepParam).refine((p) => Object.keys(p).length > 0, {
    error: 'a sweep varies at least one param',
  }),
  trials: z
    .number()
    .int()
    .min(1)
    .optional()
    .describe('Random search: how many trials (default 10).'),
  seed: z.number().int().optional(),
  metric: MetricKey.optional().describe("Default: the primary metric of the pipeline's model."),
  goal: Goal.optional(),
});
export type Sweep = z.infer<typeof Sweep>;

/** `vars` entries as in dvc.yaml: a params file (optionally `file:key1,key2`) or inline values. */
export const Vars = z.array(z.union([z.string().min(1), z.record(z.string(), z.unknown())]));

export const Pipeline = z.strictObject({
  name: Identifier.optional().describe('Defaults to the file name; must match it when given.'),
  description: z.string().optional(),
  params: z
    .array(RepoPath)
    .optional()
    .describe('Params files whose keys stages may reference (default: the repo params file).'),
  vars: Vars.optional(),
  datasets: z.record(Identifier, Dataset).optional(),
  validation: z.array(ValidationSuite).optional(),
  stages: z.record(StageName, Stage).refine((s) => Object.keys(s).length > 0, {
    error: 'a pipeline has at least one stage',
  }),
  sweep: Sweep.optional(),
  'runs-on': RunsOn.optional().describe('Default routing for every stage.'),
  runner: Identifier.optional().describe('Default runner class for every stage.'),
  triggers: z
    .strictObject({
      paths: z
        .array(z.string().min(1))
        .optional()
        .describe('More globs whose changes affect this pipeline.'),
    })
    .optional(),
});
export type Pipeline = z.infer<typeof Pipeline>;
