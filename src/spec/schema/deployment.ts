import * as z from 'zod';
import { ArtifactName, EnvironmentName, RepoPath, SemverTag } from './common.ts';

export const DeployedModel = z.strictObject({
  version: SemverTag,
  artifact: z.strictObject({
    path: RepoPath,
    md5: z.string().regex(/^[0-9a-f]{32}(?:\.dir)?$/, {
      error: 'an md5 is 32 hex digits, with ".dir" for a directory',
    }),
    size: z.number().int().nonnegative(),
    nfiles: z.number().int().nonnegative().optional(),
    remote: z.string().min(1).optional(),
  }),
  commit: z.string().regex(/^(?:[0-9a-f]{40}|[0-9a-f]{64})$/, { error: 'a full commit SHA' }),
  promotedAt: z.iso.datetime({ offset: true }).optional(),
  pr: z.number().int().positive().optional(),
  approvedBy: z.array(z.string()).optional(),
});
export type DeployedModel = z.infer<typeof DeployedModel>;

/** deployments/<env>.yaml: the desired state of one environment, edited by promotion PRs. */
export const Deployment = z.strictObject({
  environment: EnvironmentName.optional().describe('Defaults to the file name; must match it.'),
  models: z.record(ArtifactName, DeployedModel).optional(),
});
export type Deployment = z.infer<typeof Deployment>;
