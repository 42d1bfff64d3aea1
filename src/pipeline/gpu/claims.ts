import {
  mkdirSync,
  openSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeSync,
  closeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { processAlive } from '../alive.ts';

/**
 * GPUs taken by gitops-ml runs on this machine, one file per device (created with O_EXCL, so two
 * runs cannot take the same GPU). A claim whose process is gone is stale and ignored.
 */
export class GpuClaims {
  readonly dir: string;

  constructor(dir = join(tmpdir(), 'gitops-ml-gpus')) {
    this.dir = dir;
    mkdirSync(dir, { recursive: true });
  }

  #file(uuid: string): string {
    return join(this.dir, `${uuid.replace(/[^A-Za-z0-9-]/g, '_')}.claim`);
  }

  /** Devices claimed by live processes other than this one. */
  held(): Set<string> {
    const out = new Set<string>();
    for (const name of readdirSync(this.dir)) {
      if (!name.endsWith('.claim')) continue;
      const claim = this.#read(join(this.dir, name));
      if (claim && claim.pid !== process.pid && processAlive(claim.pid)) out.add(claim.uuid);
    }
    return out;
  }

  /** Claim every device, or none (returns false when another live run holds one). */
  claim(uuids: readonly string[]): boolean {
    const taken: string[] = [];
    for (const uuid of uuids) {
      if (!this.#claimOne(uuid)) {
        this.release(taken);
        return false;
      }
      taken.push(uuid);
    }
    return true;
  }

  release(uuids: readonly string[]): void {
    for (const uuid of uuids) {
      const file = this.#file(uuid);
      if (this.#read(file)?.pid === process.pid) rmSync(file, { force: true });
    }
  }

  #claimOne(uuid: string): boolean {
    const file = this.#file(uuid);
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        const fd = openSync(file, 'wx');
        writeSync(fd, JSON.stringify({ uuid, pid: process.pid, since: new Date().toISOString() }));
        closeSync(fd);
        return true;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        const claim = this.#read(file);
        if (claim && processAlive(claim.pid) && claim.pid !== process.pid) return false;
        rmSync(file, { force: true }); // stale: its process is gone
      }
    }
    return false;
  }

  #read(file: string): { uuid: string; pid: number } | undefined {
    try {
      const v = JSON.parse(readFileSync(file, 'utf8')) as { uuid?: unknown; pid?: unknown };
      return typeof v.uuid === 'string' && typeof v.pid === 'number'
        ? { uuid: v.uuid, pid: v.pid }
        : undefined;
    } catch {
      return undefined;
    }
  }
}
