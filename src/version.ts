declare const __GITOPS_ML_VERSION__: string | undefined;

/** Set by the build (scripts/build.mjs) and by vitest; "dev" when run from source otherwise. */
export const version: string =
  typeof __GITOPS_ML_VERSION__ === 'string' ? __GITOPS_ML_VERSION__ : 'dev';
