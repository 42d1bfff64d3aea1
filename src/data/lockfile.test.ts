import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SpecError } from '../errors.ts';
import { tempDir } from '../../test/support/temp.ts';
import {
  formatLock,
  lockEntry,
  paramValues,
  parseLock,
  readLockFile,
  writeLockFile,
  type Lock,
} from './lockfile.ts';
import { PyFloat } from './yaml-emit.ts';

// Written by ruamel.yaml with DVC's dumper settings from the same data (see gen-ruamel-cases.py).
const DVC_LOCK = `schema: '2.0'
stages:
  prepare:
    cmd: node examples/penguins/prepare.mjs --seed 7 --split 0.2 --input data/penguins.csv
      --output data/prepared
    deps:
    - path: data/penguins.csv
      hash: md5
      md5: acbd18db4cc2f85cedef654fccc4a4d8
      size: 3
    - path: examples/penguins/prepare.mjs
      hash: md5
      md5: 37b51d194a7513e45b56f6524f2d51f2
      size: 1234
    params:
      params.yaml:
        seed: 7
        split: 0.2
      conf/extra.yaml:
        lr: 1.0
        nested:
          b:
          - 1
          - 2
          a:
    outs:
    - path: data/prepared
      hash: md5
      md5: 5ea40360f5b4ec688df672a4db9c17d1.dir
      size: 6
      nfiles: 2
  train:
    cmd:
    - python train.py
    - echo done
    outs:
    - path: model.bin
      md5: d41d8cd98f00b204e9800998ecf8427e
      size: 0
`;

describe('dvc.lock', () => {
  it('formats exactly as DVC: key order, sorted deps/outs, params.yaml first, sorted keys, folded cmd', () => {
    const lock: Lock = {
      stages: {
        prepare: {
          cmd: 'node examples/penguins/prepare.mjs --seed 7 --split 0.2 --input data/penguins.csv --output data/prepared',
          outs: [
            lockEntry('data/prepared', {
              md5: '5ea40360f5b4ec688df672a4db9c17d1.dir',
              size: 6,
              nfiles: 2,
            }),
          ],
          params: {
            'conf/extra.yaml': {
              nested: new Map([
                ['b', [1, 2]],
                ['a', null],
              ]),
              lr: new PyFloat(1),
            },
            'params.yaml': { split: 0.2, seed: 7 },
          },
          deps: [
            lockEntry('examples/penguins/prepare.mjs', {
              md5: '37b51d194a7513e45b56f6524f2d51f2',
              size: 1234,
            }),
            lockEntry('data/penguins.csv', { md5: 'acbd18db4cc2f85cedef654fccc4a4d8', size: 3 }),
          ],
        },
        train: {
          cmd: ['python train.py', 'echo done'],
          outs: [{ path: 'model.bin', md5: 'd41d8cd98f00b204e9800998ecf8427e', size: 0 }],
        },
      },
    };
    expect(formatLock(lock)).toBe(DVC_LOCK);
  });

  it('round-trips a lock DVC wrote, byte for byte (legacy entries and 1.0 included)', () => {
    expect(formatLock(parseLock(DVC_LOCK))).toBe(DVC_LOCK);
    const parsed = parseLock(DVC_LOCK);
    expect(parsed.stages.train!.outs![0]!.hash).toBeUndefined();
    expect(parsed.stages.prepare!.params!['conf/extra.yaml']!.lr).toEqual(new PyFloat(1));
  });

  it('reports a bad lock file at file:line:col', () => {
    const bad =
      "schema: '2.0'\nstages:\n  s:\n    cmd: x\n    outs:\n    - md5: abc\n      size: -1\n";
    let error: unknown;
    try {
      parseLock(bad);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SpecError);
    const lines = (error as SpecError).diagnostics.map(
      (d) => `${d.file}:${d.span?.line}:${d.span?.col}: ${d.message}`,
    );
    expect(lines).toEqual([
      'dvc.lock:6:7: missing required key "path"',
      'dvc.lock:7:13: must be at least 0',
    ]);
    expect(() => parseLock("schema: '1.0'\n")).toThrow(SpecError);
  });

  it('writes dvc.lock atomically and reads it back', async () => {
    const root = tempDir();
    expect(await readLockFile(root)).toBeUndefined();
    await writeLockFile(root, parseLock(DVC_LOCK));
    expect(readFileSync(join(root, 'dvc.lock'), 'utf8')).toBe(DVC_LOCK);
    expect(Object.keys((await readLockFile(root))!.stages)).toEqual(['prepare', 'train']);
  });
});

describe('params values for dvc.lock', () => {
  it('reads dotted keys and whole sections, keeping 1.0 a float and mapping order', () => {
    const text =
      'seed: 7\ntrain:\n  lr: 1.0\n  epochs: 10\n  layers: [64, 32]\n  opt: {name: adam, beta: 0.9}\n';
    const values = paramValues(text, 'params.yaml', [
      'train.lr',
      'seed',
      'train.opt',
      'train.layers.1',
    ]);
    expect(values).toEqual({
      'train.lr': new PyFloat(1),
      seed: 7,
      'train.opt': new Map<string, unknown>([
        ['name', 'adam'],
        ['beta', 0.9],
      ]),
      'train.layers.1': 32,
    });
    expect(formatLock({ stages: { s: { cmd: 'x', params: { 'params.yaml': values } } } })).toBe(
      "schema: '2.0'\nstages:\n  s:\n    cmd: x\n    params:\n      params.yaml:\n        seed: 7\n        train.layers.1: 32\n        train.lr: 1.0\n        train.opt:\n          name: adam\n          beta: 0.9\n",
    );
    expect(() => paramValues(text, 'params.yaml', ['train.momentum'])).toThrow(
      'params.yaml: has no param "train.momentum"',
    );
  });
});
