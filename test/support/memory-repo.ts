import { posix } from 'node:path';
import type { RepoReader } from '../../src/spec/repo.ts';
import { validateRepo, type Validation } from '../../src/spec/validate.ts';

/**
 * A RepoReader over files held in memory: every file counts as tracked by git. Specs are given
 * as text (use `yaml` template literals); other files (scripts, data) may be empty strings.
 */
export function memoryReader(files: Readonly<Record<string, string>>): RepoReader {
  return {
    readText: (path) => Promise.resolve(files[posix.normalize(path)]),
    listFiles: (dir) =>
      Promise.resolve(
        Object.keys(files)
          .filter((f) => posix.dirname(f) === posix.normalize(dir))
          .map((f) => posix.basename(f)),
      ),
    worktreeFiles: () => Promise.resolve(Object.keys(files)),
  };
}

export function validateFiles(files: Readonly<Record<string, string>>): Promise<Validation> {
  return validateRepo(memoryReader(files));
}

/** `file:line:col: message` per diagnostic, the form users see, for compact assertions. */
export function lines(v: Validation): string[] {
  return v.diagnostics.map(
    (d) =>
      `${d.file}:${d.span?.line ?? 0}:${d.span?.col ?? 0}: ${d.severity === 'warning' ? 'warning: ' : ''}${d.message}`,
  );
}

/** Strip the common indentation of a template literal, so specs can be written inline. */
export function yaml(strings: TemplateStringsArray, ...values: unknown[]): string {
  const text = strings.reduce(
    (acc, s, i) => acc + s + (i < values.length ? String(values[i]) : ''),
    '',
  );
  const body = text.replace(/^\n/, '').replace(/\n\s*$/, '\n');
  const indent = Math.min(
    ...body
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => /^ */.exec(l)![0].length),
  );
  return body
    .split('\n')
    .map((l) => l.slice(indent))
    .join('\n');
}

/** Indent every non-empty line by two spaces: stage snippets appended under `stages:`. */
export function indent(text: string): string {
  return text.replace(/^(?=.)/gm, '  ');
}

/** A minimal valid repository: one pipeline, one model, two environments. */
export function baseRepo(): Record<string, string> {
  return {
    'params.yaml': yaml`
      seed: 1
      train:
        lr: 0.1
        epochs: 10
    `,
    'pipelines/p.yaml': yaml`
      stages:
        prepare:
          cmd: node prep.mjs --seed \${seed}
          deps: [data/raw.csv, prep.mjs]
          params: [seed]
          outs: [data/prepared]
        train:
          cmd: node train.mjs --lr \${train.lr}
          deps: [data/prepared, train.mjs]
          params: [train.lr, train.epochs]
          outs: [model/model.bin]
          metrics:
            - metrics.json: {cache: false}
    `,
    'models/m.yaml': yaml`
      name: m
      pipeline: p
      artifact: model/model.bin
      owners: ["@acme/ml"]
      metrics: {primary: accuracy, goal: maximize}
      gates:
        - {metric: accuracy, min: 0.5}
      environments:
        staging: {approvals: 1}
        production: {approvals: 2, after: staging}
    `,
    'data/raw.csv': 'a,b\n1,2\n',
    'prep.mjs': '',
    'train.mjs': '',
  };
}
