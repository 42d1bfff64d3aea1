import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { HashName } from './hash-info.ts';
import { hashFileSync } from './hasher.ts';

/** A file to hash: absolute path and size (for batching and progress). */
export interface HashJob {
  abs: string;
  size: number;
}

export interface HashFailure {
  abs: string;
  error: NodeJS.ErrnoException;
}

/**
 * The worker's whole program. It is plain JavaScript evaluated by `new Worker(…, { eval: true })`
 * so that it runs unchanged from the TypeScript sources (tests) and from the bundle (dist/):
 * read each file with one reused buffer, md5 it, answer with the digests.
 */
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { openSync, readSync, closeSync } = require('node:fs');
const { createHash } = require('node:crypto');
const buffer = Buffer.allocUnsafe(1 << 20);
parentPort.on('message', ({ id, paths }) => {
  const md5s = [];
  let error = null;
  for (let i = 0; i < paths.length; i++) {
    let fd;
    try {
      fd = openSync(paths[i], 'r');
      const hash = createHash('md5');
      for (;;) {
        const n = readSync(fd, buffer, 0, buffer.length, null);
        if (n === 0) break;
        hash.update(n === buffer.length ? buffer : buffer.subarray(0, n));
      }
      md5s.push(hash.digest('hex'));
    } catch (e) {
      error = { index: i, code: e.code, message: e.message, syscall: e.syscall };
      break;
    } finally {
      if (fd !== undefined) closeSync(fd);
    }
  }
  parentPort.postMessage({ id, md5s, error });
});
`;

/** Below this much work, starting threads costs more than it saves. */
const MIN_PARALLEL_BYTES = 32 * 1024 * 1024;
const MIN_PARALLEL_FILES = 512;
const BATCH_BYTES = 4 * 1024 * 1024;
const BATCH_FILES = 256;

function batches(jobs: readonly HashJob[]): number[][] {
  const out: number[][] = [];
  let current: number[] = [];
  let bytes = 0;
  jobs.forEach((job, i) => {
    current.push(i);
    bytes += job.size;
    if (bytes >= BATCH_BYTES || current.length >= BATCH_FILES) {
      out.push(current);
      current = [];
      bytes = 0;
    }
  });
  if (current.length > 0) out.push(current);
  return out;
}

interface WorkerReply {
  id: number;
  md5s: string[];
  error: { index: number; code?: string; message: string; syscall?: string } | null;
}

function toErrno(e: NonNullable<WorkerReply['error']>): NodeJS.ErrnoException {
  const error: NodeJS.ErrnoException = new Error(e.message);
  if (e.code !== undefined) error.code = e.code;
  if (e.syscall !== undefined) error.syscall = e.syscall;
  return error;
}

/**
 * md5 of many files, in parallel on every core when there is enough to do (worker threads; md5 is
 * CPU-bound and single-threaded per file). Results are in `jobs` order. The first file that
 * cannot be read rejects the whole call with its errno error and path.
 */
export async function hashMany(
  jobs: readonly HashJob[],
  options: { name?: HashName; threads?: number; onBytes?: (bytes: number) => void } = {},
): Promise<string[]> {
  const name = options.name ?? 'md5';
  const total = jobs.reduce((s, j) => s + j.size, 0);
  const threads = Math.min(options.threads ?? availableParallelism(), 8);
  const small = total < MIN_PARALLEL_BYTES && jobs.length < MIN_PARALLEL_FILES;
  if (name !== 'md5' || threads < 2 || small) {
    const buffer = Buffer.allocUnsafe(1 << 20);
    return jobs.map((job) => {
      try {
        const md5 = hashFileSync(job.abs, name, buffer);
        options.onBytes?.(job.size);
        return md5;
      } catch (error) {
        throw Object.assign(error as Error, { path: job.abs });
      }
    });
  }
  return hashInWorkers(jobs, Math.min(threads, Math.ceil(jobs.length / 64)), options.onBytes);
}

function hashInWorkers(
  jobs: readonly HashJob[],
  threads: number,
  onBytes: ((bytes: number) => void) | undefined,
): Promise<string[]> {
  const queue = batches(jobs);
  const results = new Array<string>(jobs.length);
  const workers = Array.from({ length: threads }, () => new Worker(WORKER_SOURCE, { eval: true }));
  let next = 0;
  let running = 0;
  return new Promise<string[]>((resolve, reject) => {
    let failed = false;
    const finish = (error?: Error) => {
      for (const w of workers) void w.terminate();
      if (error !== undefined) reject(error);
      else resolve(results);
    };
    const feed = (worker: Worker) => {
      if (failed) return;
      if (next >= queue.length) {
        if (running === 0) finish();
        return;
      }
      const id = next++;
      running++;
      worker.postMessage({ id, paths: queue[id]!.map((i) => jobs[i]!.abs) });
    };
    for (const worker of workers) {
      worker.on('message', (reply: WorkerReply) => {
        running--;
        const batch = queue[reply.id]!;
        let bytes = 0;
        reply.md5s.forEach((md5, k) => {
          results[batch[k]!] = md5;
          bytes += jobs[batch[k]!]!.size;
        });
        onBytes?.(bytes);
        if (reply.error) {
          failed = true;
          const job = jobs[batch[reply.error.index]!]!;
          finish(Object.assign(toErrno(reply.error), { path: job.abs }));
          return;
        }
        feed(worker);
      });
      worker.on('error', (error) => {
        if (!failed) {
          failed = true;
          finish(error);
        }
      });
      feed(worker);
    }
  });
}
