/**
 * The data layer's public API (DVC 3 compatible). Other parts of gitops-ml (the pipeline runner,
 * the registry) import from here; the modules behind it may move.
 *
 *   const repo = await openDataRepo(root);      // settings, cache, state cache
 *   const info = await hashPath(root, 'data', { state: repo.state });
 *   const saved = await savePath(repo, 'model.bin');
 *   await checkoutPath(repo, 'data', { md5: saved.md5, hashName: 'md5' });
 *   await writeLockFile(root, lock);
 *   await closeDataRepo(repo);                   // keep what the state cache learnt
 */
export type { HashInfo, HashName } from './hash-info.ts';
export { isDirOid } from './hash-info.ts';
export { digestTree, hashPath, hashTree, type HashOptions, type TreeHash } from './hash-path.ts';
export { StateCache, stateDirOf } from './state.ts';
export { findRepoRoot, repoRelative } from './repo-path.ts';
export { closeDataRepo, ensureDvcDir, openDataRepo, type DataRepo } from './repo.ts';
export {
  loadDataConfig,
  selectRemote,
  type DataConfig,
  type LinkType,
  type RemoteConfig,
} from './config.ts';
export { ObjectCache, objectKey, type ObjectRef, type ObjectStatus } from './cache.ts';
export { hashForSave, saveHashed, savePath, type Hashed } from './save.ts';
export { checkoutPath, type CheckoutResult, type CheckoutTarget } from './checkout.ts';
export { objectsOf } from './objects.ts';
export {
  formatLock,
  LOCK_FILE,
  lockEntry,
  paramValues,
  paramsLookup,
  parseLock,
  readLockFile,
  writeLockFile,
  type Lock,
  type LockEntry,
  type LockStage,
} from './lockfile.ts';
export { PyFloat, type YamlValue } from './yaml-emit.ts';
export {
  formatNewDvcFile,
  formatUpdatedDvcFile,
  parseDvcFile,
  readDvcFile,
  writeDvcFile,
  type DvcFile,
  type DvcOut,
} from './dvcfile.ts';
export { addPath, commitAdd, prepareAdd, type AddResult } from './add.ts';
export { ignoreInGit } from './gitignore.ts';
export { listTracked, selectTracked, type Tracked } from './targets.ts';
export { statusOf, type PathStatus } from './status.ts';
export { checkoutTracked, fetchTracked, pushTracked } from './sync.ts';
export {
  pullObjects,
  pushObjects,
  type PullResult,
  type PushResult,
  type TransferOptions,
} from './transfer.ts';
export { openRemote } from './remote/open.ts';
export type { RemoteStore } from './remote/store.ts';
