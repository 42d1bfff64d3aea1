/**
 * Sticky comments: one comment per pull request and purpose, found again by a hidden marker.
 * Pure parts only; the forge adapter does the requests.
 */

/** A hidden HTML comment naming what the comment is for, e.g. `report` for pipeline `penguins`. */
export function stickyMarker(kind: string, key: string): string {
  const safe = (s: string) => s.replace(/[^A-Za-z0-9._@/-]/g, '_');
  return `<!-- gitops-ml:${safe(kind)}:${safe(key)} -->`;
}

/** The marker goes first so a search by prefix finds it even in a truncated listing. */
export function withMarker(marker: string, body: string): string {
  return body.startsWith(marker) ? body : `${marker}\n${body}`;
}

export interface MarkedComment {
  id: number;
  body: string;
}

/**
 * Among comments carrying `marker`, the one to keep (the oldest: lowest id) and the others.
 * Every writer that finds duplicates keeps the same one, so concurrent writers converge.
 */
export function chooseSticky<T extends MarkedComment>(
  comments: readonly T[],
  marker: string,
): { keep: T | undefined; duplicates: T[] } {
  const marked = comments
    .filter((c) => c.body.startsWith(marker) || c.body.includes(`\n${marker}`))
    .sort((a, b) => a.id - b.id);
  return { keep: marked[0], duplicates: marked.slice(1) };
}
