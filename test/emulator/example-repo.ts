import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

function filesUnder(root: string, dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? filesUnder(root, join(dir, e.name)) : [join(dir, e.name)],
  );
}

/** The example repository of this project (specs, params, data, stage scripts) as file texts. */
export function exampleRepoFiles(root: string): Record<string, string> {
  const paths = [
    'gitops-ml.yaml',
    'params.yaml',
    'pipelines/penguins.yaml',
    'models/penguins.yaml',
    'data/penguins.json',
  ];
  for (const dir of ['deployments', 'deploy', 'examples']) paths.push(...filesUnder(root, dir));
  return Object.fromEntries(paths.map((p) => [p, readFileSync(join(root, p), 'utf8')]));
}
