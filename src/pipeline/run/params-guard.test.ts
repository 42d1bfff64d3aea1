import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../../test/support/temp.ts';
import { ParamsGuard, recoverParams } from './params-guard.ts';

const ORIGINAL = '# keep me\nlr: 0.1   # odd spacing\r\n';

function repoWithParams(): string {
  const root = tempDir();
  writeFileSync(join(root, 'params.yaml'), ORIGINAL);
  return root;
}

const read = (root: string) => readFileSync(join(root, 'params.yaml'), 'utf8');

describe('ParamsGuard', () => {
  it('puts the original bytes back after trials wrote theirs', async () => {
    const root = repoWithParams();
    const guard = await ParamsGuard.hold(root, ['params.yaml']);
    await guard.write('params.yaml', 'lr: 0.5\n');
    expect(read(root)).toBe('lr: 0.5\n');
    expect(guard.original('params.yaml')).toBe(ORIGINAL);
    await guard.restore();
    expect(read(root)).toBe(ORIGINAL);
    expect(await recoverParams(root)).toEqual([]);
  });

  it('keeps what is on disk when told to, and then restores nothing', async () => {
    const root = repoWithParams();
    const guard = await ParamsGuard.hold(root, ['params.yaml']);
    await guard.write('params.yaml', 'lr: 0.5\n');
    await guard.keep();
    await guard.restore();
    expect(read(root)).toBe('lr: 0.5\n');
    expect(existsSync(join(root, '.gitops-ml/sweep/params.json'))).toBe(false);
  });

  it('lets the next sweep undo one that was killed', async () => {
    const root = repoWithParams();
    const killed = await ParamsGuard.hold(root, ['params.yaml']);
    await killed.write('params.yaml', 'lr: 0.5\n');
    // The process died here: nothing restored. The next sweep recovers the file.
    expect(await recoverParams(root)).toEqual(['params.yaml']);
    expect(read(root)).toBe(ORIGINAL);
    await killed.keep(); // only to drop this test's exit handler
  });
});
