import * as z from 'zod';
import { ByteSize, Duration, Identifier, ParamKey, RelPath, RepoPath, RunsOn } from './common.ts';

/** Options an output may carry, as in dvc.yaml (`- model.pkl: {cache: false}`). */
export const OutOptions = z.strictObject({
  cache: z.boolean().optional().describe('Store the output in the cache (default true).'),
  persist: z.boolean().optional().describe('Keep the output in place while the stage runs.'),
  remote: Identifier.optional().describe('Remote to push this output to.'),
  push: z.boolean().optional().describe('Push the output to the remote (default true).'),
  desc: z.string().optional(),
  type: z.string().optional(),
  labels: z.array(z.string()).optional(),
  meta: z.unknown().optional(),
});

/** A single-key map `{path: options}`. */
function entryWithOptions<T extends z.ZodType>(options: T) {
  return z
    .record(RelPath, options)
    .refine((entry) => Object.keys(entry).length === 1, {
      error: 'an entry with options is a single "path: {options}" pair',
    })
    .meta({ minProperties: 1, maxProperties: 1 });
}

export const Out = z.union([RelPath, entryWithOptions(OutOptions)]).meta({ id: 'Output' });
export type Out = z.infer<typeof Out>;

export const PlotOptions = OutOptions.extend({
  x: z.string().optional(),
  y: z.union([z.string(), z.array(z.string())]).optional(),
  template: z.string().optional(),
  title: z.string().optional(),
  x_label: z.string().optional(),
  y_label: z.string().optional(),
});
export const Plot = z.union([RelPath, entryWithOptions(PlotOptions)]).meta({ id: 'Plot' });

/** `lr`, `train.epochs`, or `{other.yaml: [keys]}` as in dvc.yaml. */
export const ParamRef = z.union([
  ParamKey,
  z
    .record(RepoPath, z.array(ParamKey))
    .refine((entry) => Object.keys(entry).length >= 1, { error: 'name a params file' }),
]);
export type ParamRef = z.infer<typeof ParamRef>;

export const GpuRequest = z
  .union([
    z.number().int().nonnegative(),
    z.strictObject({
      count: z.number().int().min(1).describe('How many GPUs.'),
      type: z
        .union([z.string().min(1), z.array(z.string().min(1)).min(1)])
        .optional()
        .describe('Accepted GPU models, matched against nvidia-smi names (e.g. "a100", "h100").'),
      memory: ByteSize.optional().describe('Minimum memory per GPU.'),
    }),
  ])
  .meta({ id: 'GpuRequest' });

export const Resources = z.strictObject({
  gpu: GpuRequest.optional().describe('GPUs: a count, or {count, type, memory}.'),
  cpu: z.number().positive().optional().describe('CPU cores.'),
  memory: ByteSize.optional(),
  timeout: Duration.optional().describe('Kill the stage (and its process tree) after this long.'),
  gpuWait: z
    .union([z.literal(false), Duration])
    .optional()
    .describe('When the GPUs are busy: false fails at once (default), a duration waits that long.'),
});

export const Retries = z.union([
  z.number().int().nonnegative(),
  z.strictObject({
    count: z.number().int().nonnegative(),
    backoff: Duration.optional(),
    factor: z.number().min(1).optional(),
  }),
]);

const EnvName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, {
  error: 'an environment variable name uses letters, digits and "_"',
});

/** The fields of a stage that runs: dvc.yaml's stage keys plus resources and routing. */
export const stageBodyShape = {
  cmd: z
    .union([z.string().min(1), z.array(z.string().min(1)).min(1)])
    .describe('The command, or a list of commands run in order. ${...} is interpolated.'),
  wdir: RelPath.optional().describe('Directory to run in, relative to the repository root.'),
  deps: z.array(RelPath).optional(),
  params: z.array(ParamRef).optional(),
  outs: z.array(Out).optional(),
  metrics: z.array(Out).optional(),
  plots: z.array(Plot).optional(),
  frozen: z.boolean().optional(),
  always_changed: z.boolean().optional(),
  desc: z.string().optional(),
  meta: z.unknown().optional(),
  matrix: z
    .record(
      z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/),
      z.union([z.array(z.unknown()).min(1), z.string()]),
    )
    .optional()
    .describe('Run the stage once per combination; values are lists or a ${...} reference.'),
  resources: Resources.optional(),
  'runs-on': RunsOn.optional(),
  runner: Identifier.optional().describe('A runner class from gitops-ml.yaml.'),
  retries: Retries.optional().describe('Retries for infrastructure failures only.'),
  env: z.record(EnvName, z.string()).optional().describe('Extra environment for the command.'),
  secrets: z
    .array(EnvName)
    .optional()
    .describe('Names of environment variables passed through to the command (never logged).'),
};

export const StageBody = z.strictObject(stageBodyShape).meta({ id: 'StageBody' });
export type StageBody = z.infer<typeof StageBody>;

/**
 * A stage is either a body (cmd, deps, outs...), or `foreach` + `do`, as in dvc.yaml. One object
 * with every key keeps "unknown key" messages and hints precise; the rules sit in superRefine.
 */
export const Stage = z
  .strictObject({
    ...stageBodyShape,
    cmd: stageBodyShape.cmd.optional(),
    foreach: z
      .union([z.array(z.unknown()).min(1), z.record(z.string(), z.unknown()), z.string()])
      .optional()
      .describe('Run `do` once per item of a list or entry of a map (or a ${...} reference).'),
    do: StageBody.optional(),
  })
  .superRefine((stage, ctx) => {
    if (stage.foreach !== undefined) {
      if (stage.do === undefined) {
        ctx.addIssue({ code: 'custom', message: 'a foreach stage needs a "do" body', path: [] });
      }
      for (const key of Object.keys(stage)) {
        if (key !== 'foreach' && key !== 'do') {
          ctx.addIssue({
            code: 'custom',
            message: `"${key}" belongs inside "do" in a foreach stage`,
            path: [key],
            params: { at: 'key' },
          });
        }
      }
    } else if (stage.do !== undefined) {
      ctx.addIssue({
        code: 'custom',
        message: '"do" needs "foreach"',
        path: ['do'],
        params: { at: 'key' },
      });
    } else if (stage.cmd === undefined) {
      ctx.addIssue({ code: 'custom', message: 'a stage needs a "cmd"', path: [] });
    }
  });
export type Stage = z.infer<typeof Stage>;
