import { posix } from 'node:path';
import * as z from 'zod';

// Conventions (docs/adr/0002-spec-language.md): schemas are named as the thing they describe and
// share the name with their inferred type; user-authored specs are strict (unknown keys rejected).

export const Identifier = z.string().regex(/^[A-Za-z0-9]([A-Za-z0-9_.-]*[A-Za-z0-9])?$/, {
  error: 'use letters, digits, "-", "_" and "." (starting and ending with a letter or digit)',
});

export const StageName = z.string().regex(/^[A-Za-z0-9_][A-Za-z0-9_.-]*$/, {
  error: 'a stage name uses letters, digits, "-", "_" and "." ("@" is reserved for foreach)',
});

/** GTO artifact names: `[a-zA-Z0-9]([a-zA-Z0-9-/_]*[a-zA-Z0-9])?`. */
export const ArtifactName = z.string().regex(/^[a-zA-Z0-9]([a-zA-Z0-9\-/_]*[a-zA-Z0-9])?$/, {
  error: 'a model name uses letters, digits, "-", "_" and "/" (as GTO artifact names do)',
});

/** GTO stage names end up in tags (`name#stage#N`), so they are as strict as artifact names. */
export const EnvironmentName = z.string().regex(/^[a-zA-Z0-9]([a-zA-Z0-9_-]*[a-zA-Z0-9])?$/, {
  error: 'an environment name uses letters, digits, "-" and "_"',
});

/** A relative path written with "/" (for stage deps and outs: relative to the stage's wdir). */
export const RelPath = z
  .string()
  .min(1, { error: 'a path cannot be empty' })
  .refine((p) => !p.startsWith('/') && !/^[A-Za-z]:[\\/]/.test(p), {
    error: 'use a relative path, not an absolute one',
  })
  .refine((p) => !p.includes('\\'), { error: 'write paths with "/"' });

/** A path relative to the repository root that stays inside it. */
export const RepoPath = RelPath.refine(
  (p) => {
    const n = posix.normalize(p);
    return n !== '..' && !n.startsWith('../');
  },
  { error: 'the path leaves the repository' },
);

/** `vX.Y.Z` with optional SemVer 2.0 pre-release and build parts, as GTO requires. */
export const SEMVER_TAG =
  /^v(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$/;
export const SemverTag = z.string().regex(SEMVER_TAG, {
  error: 'a version is "v" followed by SemVer, like v1.2.3 or v2.0.0-rc.1',
});

export const DURATION = /^(?:\d+(?:\.\d+)?(?:ms|s|m|h|d))+$/;
export const Duration = z
  .union([
    z.number().positive(),
    z.string().regex(DURATION, { error: 'a duration looks like 90s, 45m, 2h, 1h30m or 1d' }),
  ])
  .meta({
    id: 'Duration',
    description: 'Seconds as a number, or a string such as "90s", "45m", "2h", "1h30m", "1d".',
  });

export const BYTE_SIZE = /^\d+(?:\.\d+)?\s*(?:B|[KMGTP]i?B)$/;
export const ByteSize = z
  .union([
    z.number().int().nonnegative(),
    z.string().regex(BYTE_SIZE, { error: 'a size looks like 512MB, 16GiB or 80GB' }),
  ])
  .meta({
    id: 'ByteSize',
    description: 'Bytes as a number, or a string such as "512MB", "16GiB", "80GB".',
  });

/** A dotted key into a metrics or params file (`accuracy`, `test.f1`). */
export const MetricKey = z
  .string()
  .regex(/^[^\s.]+(?:\.[^\s.]+)*$/, { error: 'a metric is a key like "accuracy" or "test.f1"' });

export const ParamKey = z
  .string()
  .regex(/^[^\s.]+(?:\.[^\s.]+)*$/, { error: 'a param is a key like "lr" or "train.epochs"' });

export const Goal = z.enum(['maximize', 'minimize']);
export type Goal = z.infer<typeof Goal>;

export const Severity = z
  .enum(['error', 'warn'])
  .describe('"error" fails the run, "warn" only reports.');

/** A GitHub user (@name), team (@org/team) or e-mail address, as CODEOWNERS accepts. */
export const Owner = z
  .string()
  .regex(
    /^(?:@[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})(?:\/[A-Za-z0-9_.-]+)?|[^@\s]+@[^@\s]+\.[^@\s]+)$/,
    {
      error: 'an owner is @user, @org/team or an e-mail address, as in CODEOWNERS',
    },
  );

export const RunsOn = z
  .union([
    z.string().min(1),
    z.array(z.string().min(1)).min(1),
    z.strictObject({
      group: z.string().min(1).optional(),
      labels: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]).optional(),
    }),
  ])
  .meta({
    id: 'RunsOn',
    description:
      'GitHub Actions `runs-on`: a label, a list of labels (all must match), or {group, labels}.',
  });
export type RunsOn = z.infer<typeof RunsOn>;

export const Scalar = z.union([z.string(), z.number(), z.boolean()]);
