/** DVC's lock file, at the repository root (its own module so listing outputs needs no parser). */
export const LOCK_FILE = 'dvc.lock';
