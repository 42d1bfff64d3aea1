import * as z from 'zod';
import { Duration, Identifier, RepoPath, Scalar, Severity } from './common.ts';

const Share = z.number().min(0).max(1);
const Bound = z.union([z.number(), z.string().min(1)]);
const Named = { name: z.string().min(1).optional(), severity: Severity.optional() };

export const ColumnType = z.enum(['string', 'number', 'integer', 'boolean', 'date', 'timestamp']);
export type ColumnType = z.infer<typeof ColumnType>;

export const ColumnCheck = z
  .strictObject({
    type: ColumnType.optional(),
    nullable: z
      .union([z.boolean(), Share])
      .optional()
      .describe('false: no nulls; true: any; a number: the largest share of nulls allowed.'),
    min: Bound.optional(),
    max: Bound.optional(),
    in: z.array(Scalar).min(1).optional().describe('The allowed values.'),
    regex: z
      .string()
      .min(1)
      .refine(
        (re) => {
          try {
            new RegExp(re);
            return true;
          } catch {
            return false;
          }
        },
        { error: 'not a valid regular expression' },
      )
      .optional()
      .describe('Every non-null value must match (RE2 syntax, as DuckDB uses).'),
    length: z
      .union([
        z.number().int().nonnegative(),
        z.strictObject({
          min: z.number().int().nonnegative().optional(),
          max: z.number().int().nonnegative().optional(),
        }),
      ])
      .optional(),
    unique: z.boolean().optional(),
    severity: Severity.optional(),
  })
  .meta({ id: 'ColumnCheck' });
export type ColumnCheck = z.infer<typeof ColumnCheck>;

const Columns = z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]);

const checkKinds = {
  rows: z
    .strictObject({
      min: z.number().int().nonnegative().optional(),
      max: z.number().int().nonnegative().optional(),
      ...Named,
    })
    .describe('Row count range.'),
  unique: z
    .union([Columns, z.strictObject({ columns: Columns, ...Named })])
    .describe('These columns together identify a row.'),
  duplicates: z
    .union([
      z.boolean(),
      z.strictObject({ max: z.number().int().nonnegative().optional(), ...Named }),
    ])
    .describe('Fully duplicated rows (at most `max`, default 0).'),
  freshness: z
    .strictObject({ column: z.string().min(1), maxAge: Duration, ...Named })
    .describe('The newest timestamp in `column` is at most `maxAge` old.'),
  references: z
    .strictObject({
      columns: Columns,
      dataset: Identifier,
      to: Columns.optional().describe('Columns of the referenced dataset (default: same names).'),
      ...Named,
    })
    .describe('Every value in `columns` exists in the other dataset (referential integrity).'),
  balance: z
    .strictObject({
      column: z.string().min(1),
      min: Share.optional(),
      max: Share.optional(),
      ...Named,
    })
    .describe('Each class of `column` holds a share of rows between min and max.'),
  sql: z
    .union([z.string().min(1), z.strictObject({ query: z.string().min(1), ...Named })])
    .describe('A query over `data`; every row it returns is a failure.'),
};
export type CheckKind = keyof typeof checkKinds;
export const checkKindNames = Object.keys(checkKinds) as CheckKind[];

/** One dataset check: an object with exactly one key naming its kind. */
export const DatasetCheck = z
  .strictObject(
    Object.fromEntries(checkKindNames.map((k) => [k, checkKinds[k].optional()])) as {
      [K in CheckKind]: z.ZodOptional<(typeof checkKinds)[K]>;
    },
  )
  .superRefine((check, ctx) => {
    const kinds = Object.keys(check);
    if (kinds.length === 0) {
      ctx.addIssue({
        code: 'custom',
        message: `a check names its kind: one of ${checkKindNames.join(', ')}`,
        path: [],
      });
    } else if (kinds.length > 1) {
      ctx.addIssue({
        code: 'custom',
        message: `a check has one kind, found ${kinds.join(' and ')}: split it into separate list items`,
        path: [kinds[1]!],
        params: { at: 'key' },
      });
    }
  })
  .meta({ id: 'DatasetCheck', minProperties: 1, maxProperties: 1 });
export type DatasetCheck = z.infer<typeof DatasetCheck>;

export const DriftMethod = z.enum([
  'auto',
  'wasserstein',
  'ks',
  'jensenshannon',
  'chisquare',
  'psi',
]);

export const Drift = z.strictObject({
  reference: RepoPath.describe('The reference dataset (a path tracked by git or a .dvc file).'),
  method: DriftMethod.optional().describe('auto picks per column type and sample size.'),
  threshold: z
    .number()
    .positive()
    .optional()
    .describe('Per-column drift threshold (method units).'),
  columns: z.array(z.string().min(1)).min(1).optional(),
  exclude: z.array(z.string().min(1)).optional(),
  share: Share.optional().describe(
    'Dataset drift when this share of columns drifts (default 0.5).',
  ),
  bins: z.number().int().min(2).optional(),
  severity: Severity.optional(),
});
export type Drift = z.infer<typeof Drift>;

export const ValidationSuite = z.strictObject({
  dataset: Identifier.describe('A dataset name from `datasets`.'),
  severity: Severity.optional().describe("Default severity of this suite's checks."),
  columns: z.record(z.string().min(1), ColumnCheck).optional(),
  checks: z.array(DatasetCheck).optional(),
  drift: Drift.optional(),
});
export type ValidationSuite = z.infer<typeof ValidationSuite>;

export const DatasetFormat = z.enum(['csv', 'tsv', 'parquet', 'json', 'jsonl']);

export const Dataset = z.strictObject({
  path: RepoPath.describe(
    'A file, a directory, or a glob; tracked by git, a .dvc file, or a stage.',
  ),
  format: DatasetFormat.optional().describe('Default: from the file extension.'),
  csv: z
    .strictObject({
      delimiter: z.string().min(1).max(4).optional(),
      header: z.boolean().optional(),
      quote: z.string().max(1).optional(),
      escape: z.string().max(1).optional(),
      encoding: z.string().optional(),
      skip: z.number().int().nonnegative().optional().describe('Lines to skip before the header.'),
      comment: z.string().max(1).optional(),
      dateFormat: z.string().min(1).optional().describe('strptime format of DATE columns.'),
      timestampFormat: z
        .string()
        .min(1)
        .optional()
        .describe('strptime format of TIMESTAMP columns.'),
      columns: z
        .record(
          z.string().min(1),
          z.string().regex(/^[A-Za-z][A-Za-z0-9_]*(?:\(\d+(?:,\s*\d+)?\))?(?:\[\])?$/, {
            error: 'a DuckDB type such as VARCHAR, BIGINT, DOUBLE, DATE, TIMESTAMP, BOOLEAN',
          }),
        )
        .optional()
        .describe(
          'Every column and its DuckDB type, in file order: with delimiter, quote and header, nothing is sniffed.',
        ),
    })
    .optional()
    .describe(
      'Pin CSV parsing. What is not pinned is sniffed from the first file; results show the dialect used.',
    ),
  description: z.string().optional(),
});
export type Dataset = z.infer<typeof Dataset>;
