import * as z from 'zod';
import { ByteSize, Duration, Identifier, RepoPath, RunsOn } from './common.ts';
import { GpuRequest } from './stage.ts';

export const RunnerClass = z.strictObject({
  'runs-on': RunsOn.describe('How jobs reach this class of runner.'),
  description: z.string().optional(),
  price: z
    .strictObject({
      hour: z.number().nonnegative().describe('Price per runner hour.'),
      gpuHour: z
        .number()
        .nonnegative()
        .optional()
        .describe('Price per GPU hour, on top of `hour`.'),
      kwh: z
        .number()
        .nonnegative()
        .optional()
        .describe('Price of energy per kWh, for power-based cost.'),
    })
    .optional(),
  gpu: GpuRequest.optional().describe('The GPUs a runner of this class has.'),
  cpu: z.number().positive().optional(),
  memory: ByteSize.optional(),
});
export type RunnerClass = z.infer<typeof RunnerClass>;

export const Remote = z.strictObject({
  url: z.string().regex(/^(?:s3:\/\/[^/\s]+(?:\/\S*)?|file:\/\/\S+|[^:\s]+)$/, {
    error: 'a remote is s3://bucket/prefix, file:///path or a directory path',
  }),
  endpoint: z.url().optional().describe('S3-compatible endpoint (MinIO, R2, Ceph...).'),
  region: z.string().optional(),
  profile: z.string().optional(),
  jobs: z.number().int().min(1).max(256).optional().describe('Parallel transfers.'),
});
export type Remote = z.infer<typeof Remote>;

export const RepoConfig = z.strictObject({
  version: z.literal(1).optional(),
  params: RepoPath.optional().describe('The default params file (default params.yaml).'),
  currency: z
    .string()
    .regex(/^[A-Z]{3}$/)
    .optional()
    .describe('ISO 4217 code for prices (default USD).'),
  defaults: z
    .strictObject({
      remote: Identifier.optional(),
      runner: Identifier.optional(),
      'runs-on': RunsOn.optional(),
      timeout: Duration.optional(),
    })
    .optional(),
  runners: z.record(Identifier, RunnerClass).optional(),
  remotes: z.record(Identifier, Remote).optional(),
  cache: z
    .strictObject({
      dir: RepoPath.optional().describe('Default .dvc/cache.'),
      type: z
        .array(z.enum(['reflink', 'hardlink', 'symlink', 'copy']))
        .min(1)
        .optional()
        .describe(
          'Link types to try in order when checking out (default reflink, hardlink, copy).',
        ),
    })
    .optional(),
  engine: z
    .strictObject({
      threads: z.number().int().min(1).optional(),
      memoryLimit: ByteSize.optional(),
      tempDirectory: z.string().optional(),
    })
    .optional()
    .describe('DuckDB settings for data validation.'),
  forge: z
    .strictObject({
      kind: z.literal('github').optional(),
      apiUrl: z
        .url()
        .optional()
        .describe('GitHub Enterprise API URL (default from GITHUB_API_URL).'),
      bot: z.strictObject({ name: z.string().min(1), email: z.string().min(3) }).optional(),
      forks: z
        .strictObject({
          label: z
            .string()
            .min(1)
            .optional()
            .describe('Label a maintainer applies (after the latest push) to run a fork PR.'),
        })
        .optional(),
    })
    .optional(),
  report: z
    .strictObject({
      compareTo: z
        .string()
        .min(1)
        .optional()
        .describe('Environment compared in PR comments (default production).'),
      charts: z.enum(['mermaid', 'svg', 'both', 'none']).optional(),
    })
    .optional(),
});
export type RepoConfig = z.infer<typeof RepoConfig>;
