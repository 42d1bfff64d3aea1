import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { Pipeline } from '../spec/schema/pipeline.ts';
import { RepoConfig } from '../spec/schema/repo-config.ts';

describe('docs/data-validation.md', () => {
  it('shows pipeline and config examples that match the schemas', () => {
    const text = readFileSync(join(import.meta.dirname, '../../docs/data-validation.md'), 'utf8');
    const blocks = [...text.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]!);
    expect(blocks).toHaveLength(3);
    for (const block of blocks) {
      const schema = block.includes('stages:') ? Pipeline : RepoConfig;
      const result = schema.safeParse(parse(block));
      expect(result.success ? [] : result.error.issues, block.slice(0, 60)).toEqual([]);
    }
  });
});
