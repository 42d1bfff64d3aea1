import type { YamlPath, YamlSource } from './yaml-source.ts';
import type { Deployment } from './schema/deployment.ts';
import type { Model } from './schema/model.ts';
import type { Pipeline } from './schema/pipeline.ts';
import type { RepoConfig } from './schema/repo-config.ts';
import type { PathIndex } from './path-index.ts';

/** A spec file that parsed and matched its schema. */
export interface SpecFile<T> {
  source: YamlSource;
  data: T;
  /** The name it is known by: pipeline name, model name, environment. */
  name: string;
  /** The file had schema errors; `data` holds only the parts that were valid on their own. */
  partial?: boolean;
}

/** A .dvc pointer: which workspace paths it tracks. */
export interface DvcPointer {
  file: string;
  outs: { path: string; dir: boolean }[];
}

/** The file layout of a gitops-ml repository (DESIGN.md §1). */
export const layout = {
  config: 'gitops-ml.yaml',
  /** An existing DVC project's pipeline, run as the pipeline "dvc". */
  dvcYaml: 'dvc.yaml',
  params: 'params.yaml',
  pipelines: 'pipelines',
  models: 'models',
  deployments: 'deployments',
} as const;

/** Everything `validate` reads, loaded and schema-checked; files that failed are left out. */
export interface LoadedRepo {
  config: SpecFile<RepoConfig> | undefined;
  /** The default params file path (gitops-ml.yaml `params`, or params.yaml). */
  paramsFile: string;
  /** Params and vars files by path; `undefined` data when absent. */
  params: Map<string, SpecFile<unknown> | undefined>;
  pipelines: SpecFile<Pipeline>[];
  models: SpecFile<Model>[];
  deployments: SpecFile<Deployment>[];
  dvc: DvcPointer[];
  /** Files git tracks or would track (untracked, not ignored); everything on disk outside git. */
  worktree: PathIndex;
  /** The text of every file read, for code frames in messages. */
  texts: Map<string, string>;
  /** How many spec files were read, including those with errors. */
  fileCount: number;
  /** Files that did not load: references into them are not reported as unknown. */
  broken: {
    config: boolean;
    /** File stems of pipeline files that did not load. */
    pipelines: Set<string>;
    models: boolean;
    /** Params files that exist but did not parse. */
    params: Set<string>;
  };
}

/** The I/O a repository load needs; the node implementation sits in node-reader.ts. */
export interface RepoReader {
  /** The file's text, or undefined when there is no such file. */
  readText(path: string): Promise<string | undefined>;
  /** File names directly inside `dir` (not recursive); empty when the directory is missing. */
  listFiles(dir: string): Promise<string[]>;
  /** Repository-relative paths of files git tracks or would track. */
  worktreeFiles(): Promise<string[]>;
}

/** Where a finding points: a file and a path inside it. */
export interface Anchor {
  source: YamlSource;
  path: YamlPath;
}
