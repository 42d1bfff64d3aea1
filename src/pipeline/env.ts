/**
 * The environment a stage command gets: an allowlist of the runner's variables (paths, locale,
 * proxies, GPU and thread settings, non-secret CI context), the stage's own `env`, and the secrets
 * it names. Nothing that looks like a credential passes unless the stage asks for it by name.
 */

const EXACT = new Set([
  'PATH',
  'HOME',
  'USER',
  'LOGNAME',
  'SHELL',
  'LANG',
  'LANGUAGE',
  'TZ',
  'TMPDIR',
  'TEMP',
  'TMP',
  'TERM',
  'COLORTERM',
  'HOSTNAME',
  'CI',
  'LD_LIBRARY_PATH',
  'LIBRARY_PATH',
  'CPATH',
  'PYTHONPATH',
  'PYTHONHASHSEED',
  'PYTHONUNBUFFERED',
  'VIRTUAL_ENV',
  'CONDA_PREFIX',
  'CONDA_DEFAULT_ENV',
  'JAVA_HOME',
  'NODE_PATH',
  'NODE_EXTRA_CA_CERTS',
  'SSL_CERT_FILE',
  'SSL_CERT_DIR',
  'REQUESTS_CA_BUNDLE',
  'HTTP_PROXY',
  'HTTPS_PROXY',
  'NO_PROXY',
  'http_proxy',
  'https_proxy',
  'no_proxy',
  'GITHUB_ACTIONS',
  'GITHUB_WORKSPACE',
  'GITHUB_SHA',
  'GITHUB_REF',
  'GITHUB_REF_NAME',
  'GITHUB_REPOSITORY',
  'GITHUB_RUN_ID',
  'GITHUB_RUN_NUMBER',
  'GITHUB_RUN_ATTEMPT',
  'GITHUB_JOB',
  'GITHUB_SERVER_URL',
  'RUNNER_OS',
  'RUNNER_ARCH',
  'RUNNER_NAME',
  'RUNNER_TEMP',
  'RUNNER_TOOL_CACHE',
]);

const PREFIXES = [
  'LC_',
  'CUDA_',
  'NVIDIA_',
  'NCCL_',
  'OMP_',
  'MKL_',
  'OPENBLAS_',
  'HF_',
  'TORCH_',
  'XDG_',
  'GITOPS_ML_',
];

/** Names that hold credentials: never passed on unless listed in the stage's `secrets`. */
const SECRET =
  /TOKEN|SECRET|PASSWORD|PASSWD|CREDENTIAL|PRIVATE|(^|_)KEY($|_)|ACCESS_KEY|API_KEY|AUTH/i;

export function isSecretName(name: string): boolean {
  return SECRET.test(name);
}

export interface StageEnvironment {
  env: Record<string, string>;
  /** Values to mask in logs: the secrets passed through. */
  secretValues: string[];
  /** Secrets the stage names that the runner does not have. */
  missingSecrets: string[];
}

export function stageEnvironment(
  parent: Readonly<Record<string, string | undefined>>,
  stage: {
    env?: Readonly<Record<string, string>> | undefined;
    secrets?: readonly string[] | undefined;
  },
  extra: Readonly<Record<string, string>> = {},
): StageEnvironment {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(parent)) {
    if (value === undefined || isSecretName(name)) continue;
    if (EXACT.has(name) || PREFIXES.some((p) => name.startsWith(p))) env[name] = value;
  }
  Object.assign(env, stage.env ?? {}, extra);
  const secretValues: string[] = [];
  const missingSecrets: string[] = [];
  for (const name of stage.secrets ?? []) {
    const value = parent[name];
    if (value === undefined || value === '') missingSecrets.push(name);
    else {
      env[name] = value;
      secretValues.push(value);
    }
  }
  return { env, secretValues, missingSecrets };
}

/** Replace every secret value in a log chunk with "***". */
export function maskSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) if (s.length >= 4) out = out.split(s).join('***');
  return out;
}
