import { describe, expect, it } from 'vitest';
import { SpecError } from '../errors.ts';
import { formatNewDvcFile, formatUpdatedDvcFile, parseDvcFile } from './dvcfile.ts';

describe('.dvc files', () => {
  it('are written as DVC writes them (tests/func/test_install.py)', () => {
    expect(
      formatNewDvcFile('data', { md5: '5ea40360f5b4ec688df672a4db9c17d1.dir', size: 6, nfiles: 2 }),
    ).toBe(
      'outs:\n- md5: 5ea40360f5b4ec688df672a4db9c17d1.dir\n  size: 6\n  nfiles: 2\n  hash: md5\n  path: data\n',
    );
    expect(
      formatNewDvcFile('run.sh', {
        md5: 'acbd18db4cc2f85cedef654fccc4a4d8',
        size: 3,
        isExec: true,
      }),
    ).toBe(
      'outs:\n- md5: acbd18db4cc2f85cedef654fccc4a4d8\n  size: 3\n  isexec: true\n  hash: md5\n  path: run.sh\n',
    );
  });

  it('read DVC 2 outputs (no `hash: md5`) as legacy md5-dos2unix', () => {
    const f = parseDvcFile(
      'outs:\n- md5: ABC1230000000000000000000000000F\n  size: 3\n  path: foo\n',
      'foo.dvc',
    );
    expect(f.outs).toEqual([
      {
        path: 'foo',
        md5: 'abc1230000000000000000000000000f',
        size: 3,
        nfiles: undefined,
        isexec: false,
        hashName: 'md5-dos2unix',
        cache: true,
        push: true,
        remote: undefined,
      },
    ]);
  });

  it('keep other keys and their order on update; a legacy output gains `hash: md5` at the end, as with DVC', () => {
    const text =
      'outs:\n- md5: 0123456789abcdef0123456789abcdef\n  size: 3\n  path: foo\n  desc: raw penguins\n  remote: backup\nmeta:\n  owner: ml\n';
    const updated = formatUpdatedDvcFile(parseDvcFile(text, 'foo.dvc'), 0, {
      md5: 'acbd18db4cc2f85cedef654fccc4a4d8',
      size: 3,
    });
    expect(updated).toBe(
      'outs:\n- md5: acbd18db4cc2f85cedef654fccc4a4d8\n  size: 3\n  path: foo\n  desc: raw penguins\n  remote: backup\n  hash: md5\nmeta:\n  owner: ml\n',
    );
  });

  it('report schema problems at file:line:col', () => {
    let error: unknown;
    try {
      parseDvcFile(
        'outs:\n- md5: acbd18db4cc2f85cedef654fccc4a4d8\n  sizee: 3\n  path: foo\n',
        'data/foo.dvc',
      );
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SpecError);
    expect(
      (error as SpecError).diagnostics.map(
        (d) => `${d.file}:${d.span?.line}:${d.span?.col}: ${d.message}`,
      ),
    ).toEqual(['data/foo.dvc:3:3: unknown key "sizee" (did you mean "size"?)']);
    expect(() => parseDvcFile('outs: []\n', 'x.dvc')).toThrow(SpecError);
    expect(() => parseDvcFile('outs:\n- md5: [\n', 'x.dvc')).toThrow(SpecError);
  });
});
