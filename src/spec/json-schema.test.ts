import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { jsonSchemas } from './json-schema.ts';
import { nodeRepoReader } from './node-reader.ts';
import { validateRepo } from './validate.ts';

/** The formats our schemas use (zod's `z.iso.datetime({ offset: true })`), checked rather than ignored. */
const formats = {
  uri: (s: string) => URL.canParse(s),
  'date-time': /^\d{4}-\d\d-\d\dT\d\d:\d\d(?::\d\d(?:\.\d+)?)?(?:Z|[+-]\d\d:\d\d)$/,
};

const root = join(import.meta.dirname, '../..');

/** The example specs in this repository, with the schema each must satisfy. */
function exampleSpecs(): { file: string; schema: string }[] {
  const dirs: [string, string][] = [
    ['pipelines', 'pipeline'],
    ['models', 'model'],
    ['deployments', 'deployment'],
  ];
  return [
    { file: 'gitops-ml.yaml', schema: 'repo-config' },
    ...dirs.flatMap(([dir, schema]) =>
      readdirSync(join(root, dir))
        .filter((f) => f.endsWith('.yaml'))
        .map((f) => ({ file: `${dir}/${f}`, schema })),
    ),
  ];
}

describe('JSON Schemas', () => {
  it('in schemas/ match the zod schemas (run "npm run schemas" after changing a spec schema)', () => {
    for (const [file, text] of Object.entries(jsonSchemas())) {
      expect(readFileSync(join(root, 'schemas', file), 'utf8'), file).toBe(text);
    }
    expect(readdirSync(join(root, 'schemas')).sort()).toEqual(Object.keys(jsonSchemas()).sort());
  });

  it('accept every example spec, which points editors at its schema', () => {
    const ajv = new Ajv2020({ allErrors: true, strict: false, formats });
    const specs = exampleSpecs();
    expect(specs.length).toBeGreaterThanOrEqual(5);
    for (const { file, schema } of specs) {
      const text = readFileSync(join(root, file), 'utf8');
      const validateSchema = ajv.compile(
        JSON.parse(readFileSync(join(root, 'schemas', `${schema}.schema.json`), 'utf8')) as object,
      );
      const ok = validateSchema(parse(text));
      expect(ok ? [] : validateSchema.errors, file).toEqual([]);
      const pointer = /^# yaml-language-server: \$schema=(\S+)$/m.exec(text)?.[1];
      expect(pointer, `${file} has a yaml-language-server $schema comment`).toBeDefined();
      expect(join(root, file, '..', pointer!)).toBe(join(root, 'schemas', `${schema}.schema.json`));
    }
  });

  it('reject what the loader rejects: an unknown key', () => {
    const ajv = new Ajv2020({ strict: false, formats });
    const validatePipeline = ajv.compile(
      JSON.parse(jsonSchemas()['pipeline.schema.json']!) as object,
    );
    expect(validatePipeline({ stages: { a: { cmd: 'x' } } })).toBe(true);
    expect(validatePipeline({ stages: { a: { cmd: 'x', cmnd: 'y' } } })).toBe(false);
    expect(
      validatePipeline({
        stages: { a: { cmd: 'x' } },
        validation: [{ dataset: 'd', checks: [{ rows: {}, sql: 'x' }] }],
      }),
    ).toBe(false);
  });
});

describe('the example repository', () => {
  it('is valid for the loader too', async () => {
    const v = await validateRepo(nodeRepoReader(root));
    expect(v.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(v.summary).toMatchObject({ pipelines: 2, models: 1, deployments: 2 });
  });
});
