/** `full` for the job summary and overflow file; `compact` when a comment must fit its budget. */
export type Detail = 'full' | 'compact';

/** What the renderer needs to know about where the report will be read. */
export interface RenderContext {
  /** Web URL of the repository (https://github.com/acme/ml), for links to committed files. */
  repoUrl?: string;
  /** The commit that holds committed report files (the PR head after commit-back). */
  sha?: string;
  /** Link to the workflow run. */
  runUrl?: string;
  /** The tool's version, for the footer. */
  version?: string;
  /**
   * The Markdown is itself a committed file in this directory: link committed files relative to
   * it (GitHub resolves relative links in a rendered .md file).
   */
  relativeTo?: string;
}
