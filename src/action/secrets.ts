import { basicCredential } from '../github/git-transport.ts';

type Env = Readonly<Record<string, string | undefined>>;

/**
 * Register the token, and the forms derived from it that could appear in output (the Basic
 * credential git sends), with the runner's log masking.
 */
export function maskCommands(token: string): string {
  return [token, basicCredential(token)].map((s) => `::add-mask::${s}\n`).join('');
}

/** Variables that carry credentials in a job: the token input, GitHub's runtime tokens. */
const SECRET_NAMES =
  /^(INPUT_.*|GITHUB_TOKEN|GH_TOKEN|ACTIONS_RUNTIME_TOKEN|ACTIONS_ID_TOKEN_REQUEST_TOKEN|ACTIONS_ID_TOKEN_REQUEST_URL|ACTIONS_RESULTS_URL|ACTIONS_CACHE_URL|ACTIONS_RUNTIME_URL)$/i;

/**
 * The environment for a process that runs repository code (a pipeline stage): everything but
 * the credentials. Stage commands come from specs in the PR; they never see a token.
 */
export function withoutSecrets(env: Env): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(env))
    if (value !== undefined && !SECRET_NAMES.test(name)) out[name] = value;
  return out;
}
