import { yaml } from './memory-repo.ts';

/** A stage script: a node module with the fs helpers imported and `args` its command-line arguments. */
export function nodeScript(body: string): string {
  return `import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';\nconst args = process.argv.slice(2);\n${body}\n`;
}

/** A gitops-ml.yaml whose default runner class is a priced CPU machine, so runs have a cost. */
export const cpuRunnerConfig = yaml`
  runners:
    cpu: {runs-on: ubuntu-latest, price: {hour: 3.6}}
  defaults: {runner: cpu}
`;
