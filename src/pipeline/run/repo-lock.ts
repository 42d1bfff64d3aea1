import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { InfraError } from '../../errors.ts';
import { workDir } from './workdir.ts';
import { processAlive } from '../alive.ts';

/**
 * One `gitops-ml run` per repository at a time (as DVC locks its repository): two runs writing the
 * same outputs and lock files would corrupt each other. A lock left by a dead process is taken over.
 */
export function lockRepository(root: string): () => void {
  const file = join(workDir(root), 'run.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return () => rmSync(file, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const pid = Number(readFileSync(file, 'utf8'));
      if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && processAlive(pid)) {
        throw new InfraError(`another gitops-ml run (pid ${pid}) is working in this repository`, {
          hint: 'wait for it to finish, or stop it',
        });
      }
      rmSync(file, { force: true });
    }
  }
  throw new InfraError('could not lock the repository for a run');
}
