/**
 * The deterministic branch of a bot pull request: one per intent, so a re-run finds and updates
 * the same PR (release-please and changesets name theirs the same way).
 * `botBranch('promote', 'penguins-classifier', 'production')` → `gitops-ml/promote/penguins-classifier--production`.
 */
export function botBranch(intent: string, ...keys: readonly string[]): string {
  const safe = (s: string) =>
    s
      .replace(/[^A-Za-z0-9._-]+/g, '-')
      .replace(/\.{2,}/g, '.')
      .replace(/^[.-]+|[.-]+$/g, '')
      .replace(/\.lock$/, '-lock') || 'x';
  return `gitops-ml/${safe(intent)}/${keys.map(safe).join('--')}`;
}
