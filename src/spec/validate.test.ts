import { describe, expect, it } from 'vitest';
import { baseRepo, indent, lines, validateFiles, yaml } from '../../test/support/memory-repo.ts';

describe('validate: a valid repository', () => {
  it('has no diagnostics and counts what it read', async () => {
    const v = await validateFiles(baseRepo());
    expect(lines(v)).toEqual([]);
    expect(v.valid).toBe(true);
    expect(v.summary).toEqual({
      files: 2,
      pipelines: 1,
      stages: 2,
      models: 1,
      deployments: 0,
      errors: 0,
      warnings: 0,
    });
  });

  it('interpolates ${} from params into stage commands', async () => {
    const v = await validateFiles(baseRepo());
    const train = v.pipelines[0]!.stages.find((s) => s.name === 'train')!;
    expect(train.cmd).toEqual(['node train.mjs --lr 0.1']);
    expect(train.outs.map((o) => [o.path, o.kind, o.cache])).toEqual([
      ['model/model.bin', 'out', true],
      ['metrics.json', 'metric', false],
    ]);
  });
});

describe('validate: YAML errors carry their position', () => {
  it('reports a syntax error at the offending line', async () => {
    const v = await validateFiles({
      ...baseRepo(),
      'pipelines/p.yaml': 'stages:\n  a:\n    cmd: [unclosed\n  b: x\n',
    });
    expect(lines(v)[0]).toMatch(/^pipelines\/p\.yaml:4:3: /);
    expect(v.valid).toBe(false);
  });

  it('reports a duplicate key at the second occurrence', async () => {
    const repo = baseRepo();
    repo['models/m.yaml'] = repo['models/m.yaml']!.replace(
      'pipeline: p\n',
      'pipeline: p\npipeline: q\n',
    );
    const v = await validateFiles(repo);
    expect(lines(v)).toEqual(['models/m.yaml:3:1: duplicate key "pipeline"']);
  });

  it('rejects tabs used as indentation', async () => {
    const v = await validateFiles({
      ...baseRepo(),
      'deployments/staging.yaml': 'models:\n\tm: {}\n',
    });
    expect(lines(v)).toEqual(['deployments/staging.yaml:2:1: tabs are not allowed as indentation']);
  });

  it('rejects several documents in one file', async () => {
    const v = await validateFiles({
      ...baseRepo(),
      'deployments/staging.yaml': 'models: {}\n---\nmodels: {}\n',
    });
    expect(lines(v)).toEqual([
      'deployments/staging.yaml:2:1: a spec file holds one YAML document; remove the extra "---"',
    ]);
  });

  it('reports an empty pipeline file', async () => {
    const v = await validateFiles({ ...baseRepo(), 'pipelines/q.yaml': '# nothing yet\n' });
    expect(lines(v)).toEqual([
      'pipelines/q.yaml:1:1: the file is empty: a pipeline needs "stages"',
    ]);
  });
});

describe('validate: schema errors point at the node', () => {
  it('rejects an unknown key with a did-you-mean hint, at the key', async () => {
    const repo = baseRepo();
    repo['pipelines/p.yaml'] = repo['pipelines/p.yaml']!.replace(
      '    cmd: node train.mjs',
      '    cmnd: node train.mjs',
    );
    const v = await validateFiles(repo);
    expect(lines(v)).toEqual(['pipelines/p.yaml:8:5: unknown key "cmnd" (did you mean "cmd"?)']);
    expect(v.diagnostics[0]!.span).toEqual({ line: 8, col: 5, endLine: 8, endCol: 9 });
  });

  it('says a required key is missing when nothing explains it', async () => {
    const repo = baseRepo();
    repo['pipelines/p.yaml'] = repo['pipelines/p.yaml']!.replace(
      '    cmd: node train.mjs --lr ${train.lr}\n',
      '',
    );
    const v = await validateFiles(repo);
    expect(lines(v)).toEqual(['pipelines/p.yaml:7:3: a stage needs a "cmd"']);
  });

  it('prefers the typo hint to "missing required key"', async () => {
    const repo = baseRepo();
    repo['models/m.yaml'] = repo['models/m.yaml']!.replace('pipeline: p', 'pipline: p');
    const v = await validateFiles(repo);
    expect(lines(v)).toEqual([
      'models/m.yaml:2:1: unknown key "pipline" (did you mean "pipeline"?)',
    ]);
  });

  it('lists the expected keys when nothing is close', async () => {
    const v = await validateFiles({ ...baseRepo(), 'gitops-ml.yaml': 'version: 1\nzzz: true\n' });
    expect(lines(v)).toEqual([
      'gitops-ml.yaml:2:1: unknown key "zzz" (expected one of: version, params, currency, defaults, runners, remotes, cache, engine, forge, report)',
    ]);
  });

  it('reports a missing required key at the parent', async () => {
    const repo = baseRepo();
    repo['models/m.yaml'] = repo['models/m.yaml']!.replace('pipeline: p\n', '');
    const v = await validateFiles(repo);
    expect(lines(v)).toEqual(['models/m.yaml:1:1: missing required key "pipeline"']);
  });

  it('reports a missing key whose value may take several shapes', async () => {
    const v = await validateFiles({
      ...baseRepo(),
      'gitops-ml.yaml': 'runners:\n  gpu:\n    price: {hour: 1}\n',
    });
    expect(lines(v)).toEqual(['gitops-ml.yaml:2:3: missing required key "runs-on"']);
  });

  it("reports a missing key of a nested mapping at that mapping's key", async () => {
    const repo = baseRepo();
    repo['models/m.yaml'] = repo['models/m.yaml']!.replace(
      '{primary: accuracy, goal: maximize}',
      '{primary: accuracy}',
    );
    const v = await validateFiles(repo);
    expect(lines(v)).toEqual(['models/m.yaml:5:1: missing required key "goal"']);
  });

  it('reports a wrong type with what it got', async () => {
    const repo = baseRepo();
    repo['models/m.yaml'] = repo['models/m.yaml']!.replace('{approvals: 1}', '{approvals: two}');
    const v = await validateFiles(repo);
    expect(lines(v)).toEqual(['models/m.yaml:9:24: expected a number, got "two"']);
  });

  it('reports an enum value with the closest option', async () => {
    const repo = baseRepo();
    repo['models/m.yaml'] = repo['models/m.yaml']!.replace('goal: maximize', 'goal: maximise');
    const v = await validateFiles(repo);
    expect(lines(v)).toEqual([
      'models/m.yaml:5:36: must be one of: maximize, minimize (did you mean "maximize"?)',
    ]);
  });

  it('explains a malformed duration', async () => {
    const repo = baseRepo();
    repo['pipelines/p.yaml'] += '    resources: {timeout: 2 hours}\n';
    const v = await validateFiles(repo);
    expect(lines(v)).toEqual([
      'pipelines/p.yaml:14:26: a duration looks like 90s, 45m, 2h, 1h30m or 1d',
    ]);
  });

  it('explains a bad version and commit in deployment state', async () => {
    const v = await validateFiles({
      ...baseRepo(),
      'deployments/production.yaml': yaml`
        models:
          m:
            version: 1.2.0
            commit: abc
            artifact: {path: model/model.bin, md5: 3f2a, size: 1}
      `,
    });
    expect(lines(v)).toEqual([
      'deployments/production.yaml:3:14: a version is "v" followed by SemVer, like v1.2.3 or v2.0.0-rc.1',
      'deployments/production.yaml:4:13: a full commit SHA',
      'deployments/production.yaml:5:44: an md5 is 32 hex digits, with ".dir" for a directory',
    ]);
  });

  it('names the allowed deploy kinds', async () => {
    const repo = baseRepo();
    repo['models/m.yaml'] = repo['models/m.yaml']!.replace(
      '{approvals: 2, after: staging}',
      '{approvals: 2, after: staging, deploy: {kind: kserv, manifest: x.yaml}}',
    );
    const v = await validateFiles(repo);
    expect(lines(v)).toEqual([
      'models/m.yaml:10:61: "kind" must be one of: manifest, kserve, command (did you mean "kserve"?)',
    ]);
  });

  it('keeps dataset checks to one kind each', async () => {
    const repo = baseRepo();
    repo['pipelines/p.yaml'] += yaml`
      datasets:
        raw: {path: data/raw.csv}
      validation:
        - dataset: raw
          checks:
            - {rows: {min: 1}, unique: [a]}
            - {uniq: [a]}
    `;
    const v = await validateFiles(repo);
    expect(lines(v)).toEqual([
      'pipelines/p.yaml:19:26: a check has one kind, found rows and unique: split it into separate list items',
      'pipelines/p.yaml:20:9: a check names its kind: one of rows, unique, duplicates, freshness, references, balance, sql',
      'pipelines/p.yaml:20:10: unknown key "uniq" (did you mean "unique"?)',
    ]);
  });

  it('reports every file in one pass', async () => {
    const repo = baseRepo();
    repo['models/m.yaml'] = repo['models/m.yaml']!.replace('goal: maximize', 'goal: up');
    repo['gitops-ml.yaml'] = 'currency: usd\n';
    repo['deployments/staging.yaml'] = 'model: {}\n';
    const v = await validateFiles(repo);
    expect(lines(v).map((l) => l.split(':')[0])).toEqual([
      'deployments/staging.yaml',
      'gitops-ml.yaml',
      'models/m.yaml',
    ]);
  });
});

describe('validate: cross-checks', () => {
  it('finds ${} references that do not exist, at the expression', async () => {
    const repo = baseRepo();
    repo['pipelines/p.yaml'] = repo['pipelines/p.yaml']!.replace('${train.lr}', '${train.lrr}');
    const v = await validateFiles(repo);
    expect(lines(v)).toEqual([
      'pipelines/p.yaml:8:30: ${train.lrr}: "lrr" is not a key of "train" (did you mean "lr"?)',
    ]);
    expect(v.diagnostics[0]!.span).toEqual({ line: 8, col: 30, endLine: 8, endCol: 42 });
  });

  it('finds params missing from the params file', async () => {
    const repo = baseRepo();
    repo['pipelines/p.yaml'] = repo['pipelines/p.yaml']!.replace(
      'params: [train.lr, train.epochs]',
      'params: [train.lr, train.epoch]',
    );
    const v = await validateFiles(repo);
    expect(lines(v)).toEqual([
      'pipelines/p.yaml:10:24: param "train.epoch" is not in params.yaml (did you mean "train.epochs"?)',
    ]);
  });

  it('finds dependencies that nothing provides', async () => {
    const repo = baseRepo();
    repo['pipelines/p.yaml'] = repo['pipelines/p.yaml']!.replace(
      'deps: [data/raw.csv, prep.mjs]',
      'deps: [data/raw.cvs, prep.mjs, lib/]',
    );
    const v = await validateFiles(repo);
    expect(lines(v)).toEqual([
      'pipelines/p.yaml:4:12: dependency "data/raw.cvs" is not produced by any stage, tracked by git, or tracked by a .dvc file (did you mean "data/raw.csv"?)',
      'pipelines/p.yaml:4:36: dependency "lib" is not produced by any stage, tracked by git, or tracked by a .dvc file; commit it to git, track it with `gitops-ml data add`, or list it in a stage\'s outs',
    ]);
  });

  it('accepts a dependency tracked by a .dvc pointer', async () => {
    const repo = baseRepo();
    delete repo['data/raw.csv'];
    repo['data/raw.csv.dvc'] =
      'outs:\n- md5: acbd18db4cc2f85cedef654fccc4a4d8\n  size: 3\n  hash: md5\n  path: raw.csv\n';
    expect(lines(await validateFiles(repo))).toEqual([]);
  });

  it('finds an output produced twice', async () => {
    const repo = baseRepo();
    repo['pipelines/p.yaml'] += indent(yaml`
        again:
          cmd: node again.mjs
          outs: [model/model.bin]
    `);
    const v = await validateFiles(repo);
    expect(lines(v)).toEqual([
      'pipelines/p.yaml:16:12: output "model/model.bin" is also produced by stage "train" (pipelines/p.yaml:11:12)',
    ]);
  });

  it('finds overlapping outputs', async () => {
    const repo = baseRepo();
    repo['pipelines/p.yaml'] = repo['pipelines/p.yaml']!.replace(
      'outs: [model/model.bin]',
      'outs: [model/model.bin, data/prepared/extra.csv]',
    );
    const v = await validateFiles(repo);
    expect(lines(v)).toEqual([
      'pipelines/p.yaml:11:29: output "data/prepared/extra.csv" lies inside output "data/prepared" of stage "prepare" (pipelines/p.yaml:6:12); outputs cannot overlap',
    ]);
  });

  it('finds a cycle in the stage graph', async () => {
    const repo = baseRepo();
    repo['pipelines/p.yaml'] = repo['pipelines/p.yaml']!.replace(
      'deps: [data/raw.csv, prep.mjs]',
      'deps: [data/raw.csv, prep.mjs, model/model.bin]',
    );
    const v = await validateFiles(repo);
    expect(lines(v)).toEqual([
      'pipelines/p.yaml:4:36: the stage graph has a cycle: prepare → train → prepare',
    ]);
  });

  it('finds a stage that depends on its own output', async () => {
    const repo = baseRepo();
    repo['pipelines/p.yaml'] = repo['pipelines/p.yaml']!.replace(
      'deps: [data/prepared, train.mjs]',
      'deps: [data/prepared, train.mjs, model]',
    );
    const v = await validateFiles(repo);
    expect(lines(v)).toEqual([
      'pipelines/p.yaml:9:38: stage "train" depends on its own output "model"',
    ]);
  });

  it('finds a model whose pipeline does not exist', async () => {
    const repo = baseRepo();
    repo['models/m.yaml'] = repo['models/m.yaml']!.replace('pipeline: p', 'pipeline: pp');
    const v = await validateFiles(repo);
    expect(lines(v)).toEqual([
      'models/m.yaml:2:11: pipeline "pp" does not exist (did you mean "p"?)',
    ]);
  });

  it('finds an artifact that no stage of the pipeline produces', async () => {
    const repo = baseRepo();
    repo['models/m.yaml'] = repo['models/m.yaml']!.replace(
      'artifact: model/model.bin',
      'artifact: model/model.onnx',
    );
    const v = await validateFiles(repo);
    expect(lines(v)).toEqual([
      'models/m.yaml:3:11: artifact "model/model.onnx" is not an output of any stage of pipeline "p"; its outputs: data/prepared, model/model.bin',
    ]);
  });

  it('accepts an artifact inside a directory output', async () => {
    const repo = baseRepo();
    repo['pipelines/p.yaml'] = repo['pipelines/p.yaml']!.replace(
      'outs: [model/model.bin]',
      'outs: [model]',
    );
    expect(lines(await validateFiles(repo))).toEqual([]);
  });

  it('finds gate metrics that are not declared and unknown comparison targets', async () => {
    const repo = baseRepo();
    repo['models/m.yaml'] = repo['models/m.yaml']!.replace(
      '- {metric: accuracy, min: 0.5}',
      '- {metric: f1, min: 0.5}\n  - {metric: accuracy, notWorseThan: prod, tolerance: 0.01}',
    );
    const v = await validateFiles(repo);
    expect(lines(v)).toEqual([
      'models/m.yaml:7:14: gate metric "f1" is not declared: add it to "metrics.tracked"',
      'models/m.yaml:8:38: "prod" is neither "base" nor an environment of this model (did you mean "production"?)',
    ]);
  });

  it('finds unknown environments and cycles in environment order', async () => {
    const repo = baseRepo();
    repo['models/m.yaml'] = repo['models/m.yaml']!.replace(
      'staging: {approvals: 1}',
      'staging: {approvals: 1, after: production}',
    ).replace('after: staging}', 'after: [staging, qa]}');
    const v = await validateFiles(repo);
    expect(lines(v)).toEqual([
      'models/m.yaml:9:34: environment order has a cycle: staging → production → staging',
      'models/m.yaml:10:47: environment "qa" is not defined for this model',
    ]);
  });

  it('finds deployment state for unknown models and environments', async () => {
    const state = yaml`
      models:
        m:
          version: v1.0.0
          commit: 9c1e2f8a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e
          artifact: {path: model/other.bin, md5: 3f2a1b2c3d4e5f60718293a4b5c6d7e8, size: 10}
        n:
          version: v0.1.0
          commit: 9c1e2f8a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e
          artifact: {path: x, md5: 3f2a1b2c3d4e5f60718293a4b5c6d7e8, size: 1}
    `;
    const v = await validateFiles({ ...baseRepo(), 'deployments/qa.yaml': state });
    expect(lines(v)).toEqual([
      'deployments/qa.yaml:2:3: model "m" has no environment "qa" (it has: staging, production)',
      'deployments/qa.yaml:5:22: artifact path "model/other.bin" differs from the model\'s artifact "model/model.bin"',
      'deployments/qa.yaml:6:3: model "n" is not defined in models/ (did you mean "m"?)',
    ]);
  });

  it('requires the pipeline name to match its file', async () => {
    const repo = baseRepo();
    repo['pipelines/p.yaml'] = 'name: q\n' + repo['pipelines/p.yaml']!;
    const v = await validateFiles(repo);
    expect(lines(v)).toContain(
      'pipelines/p.yaml:1:7: pipeline "q" must live in pipelines/q.yaml (or drop "name")',
    );
  });

  it('finds runner classes and remotes that are not defined', async () => {
    const repo = baseRepo();
    repo['gitops-ml.yaml'] = yaml`
      runners:
        gpu: {runs-on: [self-hosted, gpu], gpu: {count: 1}}
      remotes:
        store: {url: s3://bucket/cache}
    `;
    repo['pipelines/p.yaml'] = repo['pipelines/p.yaml']!.replace(
      'outs: [model/model.bin]',
      'outs: [model/model.bin: {remote: stor}]\n    runner: gpus\n    resources: {gpu: 2}',
    );
    const v = await validateFiles(repo);
    expect(lines(v)).toEqual([
      'pipelines/p.yaml:11:38: remote "stor" is not defined in gitops-ml.yaml (did you mean "store"?)',
      'pipelines/p.yaml:12:13: runner class "gpus" is not defined in gitops-ml.yaml (did you mean "gpu"?)',
    ]);
  });

  it('checks a GPU request against the runner class', async () => {
    const repo = baseRepo();
    repo['gitops-ml.yaml'] =
      'runners:\n  gpu: {runs-on: [self-hosted, gpu], gpu: {count: 1, type: h100}}\n';
    repo['pipelines/p.yaml'] += '    runner: gpu\n    resources: {gpu: {count: 2}}\n';
    const v = await validateFiles(repo);
    expect(lines(v)).toEqual([
      'pipelines/p.yaml:15:17: stage asks for 2 GPUs but runner class "gpu" has 1',
    ]);
  });

  it('keeps checking the rest of a file that has a schema error', async () => {
    const repo = baseRepo();
    repo['pipelines/p.yaml'] = repo['pipelines/p.yaml']!.replace(
      '    outs: [data/prepared]',
      '    out: [data/prepared]',
    )
      .replace('${train.lr}', '${train.lrr}')
      .replace('params: [train.lr, train.epochs]', 'params: [train.lr, train.epoch]');
    repo['models/m.yaml'] = repo['models/m.yaml']!.replace(
      '{metric: accuracy, min: 0.5}',
      '{metric: acc, min: 0.5}',
    );
    const v = await validateFiles(repo);
    expect(lines(v)).toEqual([
      'models/m.yaml:7:14: gate metric "acc" is not declared: add it to "metrics.tracked" (did you mean "accuracy"?)',
      'pipelines/p.yaml:6:5: unknown key "out" (did you mean "outs"?)',
      'pipelines/p.yaml:8:30: ${train.lrr}: "lrr" is not a key of "train" (did you mean "lr"?)',
      'pipelines/p.yaml:10:24: param "train.epoch" is not in params.yaml (did you mean "train.epochs"?)',
    ]);
  });

  it('does not report references into a file that failed to load', async () => {
    const repo = baseRepo();
    repo['pipelines/p.yaml'] = 'stages: [oops\n';
    const v = await validateFiles(repo);
    expect(v.diagnostics.every((d) => d.file === 'pipelines/p.yaml')).toBe(true);
  });
});

describe('validate: an existing DVC project', () => {
  const dvcProject = () => ({
    'params.yaml': 'prepare:\n  split: 0.2\nmodels: [rf, gbm]\n',
    'dvc.yaml': yaml`
      vars:
        - seed: 7
      stages:
        prepare:
          cmd: python src/prepare.py --split \${prepare.split} --seed \${seed}
          deps: [data/data.xml, src/prepare.py]
          params: [prepare.split]
          outs: [data/prepared]
        train:
          foreach: \${models}
          do:
            cmd: python src/train.py \${item}
            deps: [data/prepared, src/train.py]
            outs:
              - model-\${item}.pkl
            metrics:
              - eval/\${item}.json:
                  cache: false
      metrics: [eval/rf.json]
      plots:
        - eval/plots.json: {x: fpr, y: tpr}
      artifacts:
        classifier: {path: model-rf.pkl, type: model}
    `,
    'data/data.xml.dvc':
      'outs:\n- md5: a304afb96060aad90176268345e10355\n  size: 37891850\n  hash: md5\n  path: data.xml\n',
    'src/prepare.py': '',
    'src/train.py': '',
  });

  it('reads dvc.yaml as the pipeline "dvc", with DVC templating and foreach', async () => {
    const v = await validateFiles(dvcProject());
    expect(lines(v)).toEqual([]);
    expect(v.pipelines.map((p) => [p.name, p.stages.map((s) => s.name)])).toEqual([
      ['dvc', ['prepare', 'train@rf', 'train@gbm']],
    ]);
    expect(v.pipelines[0]!.stages[0]!.cmd).toEqual(['python src/prepare.py --split 0.2 --seed 7']);
  });

  it('reports dvc.yaml mistakes at their position', async () => {
    const files = dvcProject();
    files['dvc.yaml'] = files['dvc.yaml'].replace('outs: [data/prepared]', 'out: [data/prepared]');
    expect(lines(await validateFiles(files))).toEqual([
      'dvc.yaml:8:5: unknown key "out" (did you mean "outs"?)',
    ]);
  });
});

describe('validate: sweeps', () => {
  it('checks sweep params against the params file and their search space', async () => {
    const repo = baseRepo();
    repo['pipelines/p.yaml'] += yaml`
      sweep:
        method: grid
        params:
          train.lr: {min: 0.01, max: 0.1}
          train.epochs: [5, 10]
          seed: [1, 2]
          train.momentum: [0.9]
    `;
    const v = await validateFiles(repo);
    expect(lines(v)).toEqual([
      'pipelines/p.yaml:17:5: a grid sweep needs a list of values; a {min, max} range is for method: random',
      'pipelines/p.yaml:20:5: sweep param "train.momentum" is not in params.yaml',
    ]);
  });

  it('needs a goal when no model supplies one', async () => {
    const repo = baseRepo();
    delete repo['models/m.yaml'];
    repo['pipelines/p.yaml'] += yaml`
      sweep:
        method: grid
        params: {train.lr: [0.1, 0.2]}
        metric: accuracy
    `;
    expect(lines(await validateFiles(repo))).toEqual([
      'pipelines/p.yaml:17:3: the sweep needs "goal" (maximize or minimize): no model uses this pipeline to supply it',
    ]);
  });
});

describe('validate: foreach and matrix', () => {
  it('expands foreach over a list and a mapping as dvc.yaml does', async () => {
    const repo = baseRepo();
    repo['params.yaml'] += 'models: [small, large]\nsizes: {s: 1, l: 2}\n';
    repo['pipelines/p.yaml'] += indent(yaml`
        per-model:
          foreach: \${models}
          do:
            cmd: node fit.mjs \${item}
            outs:
              - out/\${item}.bin
        per-size:
          foreach: \${sizes}
          do:
            cmd: node size.mjs \${key} \${item}
            outs:
              - out/size-\${key}
    `);
    const v = await validateFiles(repo);
    expect(lines(v)).toEqual([]);
    const stages = v.pipelines[0]!.stages.map((s) => [s.name, s.cmd[0], s.outs[0]!.path]);
    expect(stages.slice(2)).toEqual([
      ['per-model@small', 'node fit.mjs small', 'out/small.bin'],
      ['per-model@large', 'node fit.mjs large', 'out/large.bin'],
      ['per-size@s', 'node size.mjs s 1', 'out/size-s'],
      ['per-size@l', 'node size.mjs l 2', 'out/size-l'],
    ]);
  });

  it('expands a matrix into every combination', async () => {
    const repo = baseRepo();
    repo['pipelines/p.yaml'] += indent(yaml`
        grid:
          matrix:
            lr: [0.1, 0.01]
            opt: [sgd, adam]
          cmd: node fit.mjs --lr \${item.lr} --opt \${item.opt}
          outs:
            - grid/\${item.opt}-\${item.lr}
    `);
    const v = await validateFiles(repo);
    expect(lines(v)).toEqual([]);
    expect(v.pipelines[0]!.stages.slice(2).map((s) => s.name)).toEqual([
      'grid@0.1-sgd',
      'grid@0.1-adam',
      'grid@0.01-sgd',
      'grid@0.01-adam',
    ]);
  });

  it('interpolates the path of an output written with options', async () => {
    const repo = baseRepo();
    repo['pipelines/p.yaml'] += indent(yaml`
        eval:
          foreach: [val, test]
          do:
            cmd: node eval.mjs \${item}
            metrics:
              - eval/\${item}.json: {cache: false}
    `);
    repo['models/m.yaml'] = repo['models/m.yaml']!.replace(
      '{primary:',
      '{file: metrics.json, primary:',
    );
    const v = await validateFiles(repo);
    expect(lines(v)).toEqual([]);
    expect(
      v.pipelines[0]!.stages.slice(2).map((s) => s.outs.map((o) => [o.path, o.cache])),
    ).toEqual([[['eval/val.json', false]], [['eval/test.json', false]]]);
  });

  it('reports a foreach whose items collide', async () => {
    const repo = baseRepo();
    repo['pipelines/p.yaml'] += '  dup:\n    foreach: [a, a]\n    do: {cmd: "echo ${item}"}\n';
    const v = await validateFiles(repo);
    expect(lines(v)).toEqual([
      'pipelines/p.yaml:14:3: stage "dup@a" is generated twice: make the foreach/matrix values unique',
    ]);
  });

  it('reports a body key outside "do"', async () => {
    const repo = baseRepo();
    repo['pipelines/p.yaml'] +=
      '  dup:\n    foreach: [a, b]\n    cmd: x\n    do: {cmd: "echo ${item}"}\n';
    const v = await validateFiles(repo);
    expect(lines(v)).toEqual([
      'pipelines/p.yaml:16:5: "cmd" belongs inside "do" in a foreach stage',
    ]);
  });
});
