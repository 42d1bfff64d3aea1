import * as z from 'zod';
import { RelPath, StageName } from './common.ts';
import { Vars } from './pipeline.ts';
import { Stage } from './stage.ts';

/**
 * A DVC `dvc.yaml` at the repository root, read as it is so an existing DVC project runs under
 * gitops-ml without rewriting it. Its stages are ours (a superset); the top-level `metrics`,
 * `plots`, `artifacts` and `datasets` are accepted as DVC defines them.
 */
export const DvcYaml = z.strictObject({
  stages: z.record(StageName, Stage).optional(),
  vars: Vars.optional(),
  params: z.array(RelPath).optional(),
  metrics: z.array(RelPath).optional(),
  plots: z.array(z.union([RelPath, z.record(z.string(), z.unknown())])).optional(),
  artifacts: z
    .record(
      z.string(),
      z.strictObject({
        path: RelPath,
        type: z.string().optional(),
        desc: z.string().optional(),
        labels: z.array(z.string()).optional(),
        meta: z.unknown().optional(),
      }),
    )
    .optional(),
  datasets: z.array(z.record(z.string(), z.unknown())).optional(),
});
export type DvcYaml = z.infer<typeof DvcYaml>;
