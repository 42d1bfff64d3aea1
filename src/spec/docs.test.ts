import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { Deployment } from './schema/deployment.ts';
import { Model } from './schema/model.ts';
import { Pipeline } from './schema/pipeline.ts';
import { RepoConfig } from './schema/repo-config.ts';

describe('docs/specs.md', () => {
  it('shows examples that match the schemas', () => {
    const text = readFileSync(join(import.meta.dirname, '../../docs/specs.md'), 'utf8');
    const blocks = [...text.matchAll(/```yaml\n([\s\S]*?)```/g)].map(
      (m) => parse(m[1]!) as unknown,
    );
    const schemas = [RepoConfig, Pipeline, Model, Deployment];
    expect(blocks).toHaveLength(schemas.length);
    schemas.forEach((schema, i) => {
      const result = schema.safeParse(blocks[i]);
      expect(result.success ? [] : result.error.issues, `block ${i + 1}`).toEqual([]);
    });
  });
});
