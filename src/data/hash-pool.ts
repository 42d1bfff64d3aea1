import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { HashName } from './hash-info.ts';
import { hashFileSync } from './hasher.ts';

/** A file to hash: absolute path and size (for batching and progress). */
export interface HashJob {
  abs: string;
  size: number;
}

/**
 * The worker's whole program. It is plain JavaScript evaluated by `new Worker(…, { eval: true })`
 * so that it runs unchanged from the TypeScript sources (tests) and from the bundle (dist/):
 * read each file with one reused buffer, md5 it, answer with the digests.
 */
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { openSync, readSync, closeSync, fstatSync } = require('node:fs');
const { createHash, hash: md5Of } = require('node:crypto');
const buffer = Buffer.allocUnsafe(1 << 20);
parentPort.on('message', ({ id, base, paths, sizes }) => {
  const md5s = [];
  // Without sizes the worker stats each file it opens (fstat: no second path lookup) and sends
  // the stamps back: dev, ino, mtimeMs, size, mode per file.
  const stamps = sizes === null ? new Float64Array(paths.length * 5) : null;
  let error = null;
  for (let i = 0; i < paths.length; i++) {
    let fd;
    try {
      fd = openSync(base === null ? paths[i] : base + '/' + paths[i], 'r');
      let size;
      if (stamps !== null) {
        const st = fstatSync(fd);
        const at = i * 5;
        stamps[at] = st.dev;
        stamps[at + 1] = st.ino;
        stamps[at + 2] = st.mtimeMs;
        stamps[at + 3] = st.size;
        stamps[at + 4] = st.mode;
        size = st.size;
      } else size = sizes[i];
      let n = readSync(fd, buffer, 0, buffer.length, null);
      // A short read that reaches the size seen is the whole file: hashed in one call, and the
      // read that would return 0 is skipped (one read per small file instead of two).
      if (n < buffer.length && n >= size) md5s.push(md5Of('md5', buffer.subarray(0, n), 'hex'));
      else {
        const hash = createHash('md5');
        for (let total = 0; n > 0; n = readSync(fd, buffer, 0, buffer.length, null)) {
          hash.update(n === buffer.length ? buffer : buffer.subarray(0, n));
          total += n;
          if (n < buffer.length && total >= size) break;
        }
        md5s.push(hash.digest('hex'));
      }
    } catch (e) {
      error = { index: i, code: e.code, message: e.message, syscall: e.syscall };
      break;
    } finally {
      if (fd !== undefined) closeSync(fd);
    }
  }
  parentPort.postMessage({ id, md5s, stamps, error }, stamps === null ? [] : [stamps.buffer]);
});
`;

/** Below this much work, starting threads costs more than it saves. */
export const MIN_PARALLEL_BYTES = 32 * 1024 * 1024;
export const MIN_PARALLEL_FILES = 512;
/** Work is sent to threads in batches of about this size. */
export const BATCH_BYTES = 4 * 1024 * 1024;
export const BATCH_FILES = 256;

interface WorkerReply {
  id: number;
  md5s: string[];
  stamps: Float64Array | null;
  error: { index: number; code?: string; message: string; syscall?: string } | null;
}

function toErrno(e: NonNullable<WorkerReply['error']>, path: string): Error {
  const error: NodeJS.ErrnoException & { path?: string } = new Error(e.message);
  if (e.code !== undefined) error.code = e.code;
  if (e.syscall !== undefined) error.syscall = e.syscall;
  error.path = path;
  return error;
}

/** How many threads hashing may use: every core, at most 8. */
export function hashThreads(requested?: number): number {
  return Math.max(1, Math.min(requested ?? availableParallelism(), 8));
}

/**
 * Worker threads that md5 files (md5 is CPU-bound and sequential within a file, so parallelism
 * comes from hashing several files at once). Batches are taken up as soon as they are submitted,
 * so hashing proceeds while the caller is still walking directories.
 */
export class HashPool {
  private readonly threads: { worker: Worker; busy: number }[];
  private readonly pending = new Map<
    number,
    {
      abs: (i: number) => string;
      resolve: (reply: WorkerReply) => void;
      reject: (e: Error) => void;
    }
  >();
  private readonly queue: {
    id: number;
    base: string | null;
    paths: readonly string[];
    sizes: readonly number[] | null;
  }[] = [];
  private nextId = 0;

  constructor(threads: number) {
    this.threads = Array.from({ length: threads }, () => {
      const thread = { worker: new Worker(WORKER_SOURCE, { eval: true }), busy: 0 };
      thread.worker.on('message', (reply: WorkerReply) => {
        thread.busy--;
        this.settle(reply);
        this.pump();
      });
      thread.worker.on('error', (error) => {
        for (const p of this.pending.values()) p.reject(error);
        this.pending.clear();
      });
      return thread;
    });
  }

  private settle(reply: WorkerReply): void {
    const p = this.pending.get(reply.id);
    if (!p) return;
    this.pending.delete(reply.id);
    if (reply.error) p.reject(toErrno(reply.error, p.abs(reply.error.index)));
    else p.resolve(reply);
  }

  /**
   * Batches wait here and go to whichever thread has fewer than two (one being hashed, one ready
   * behind it), so a thread that drew small files takes more batches and all finish together.
   */
  private pump(): void {
    for (const thread of this.threads) {
      while (thread.busy < 2 && this.queue.length > 0) {
        thread.busy++;
        thread.worker.postMessage(this.queue.shift());
      }
    }
  }

  /** Files `paths` (absolute, or relative to directory `base`). */
  private send(
    base: string | null,
    paths: readonly string[],
    sizes: readonly number[] | null,
  ): Promise<WorkerReply> {
    const id = this.nextId++;
    const abs = (i: number) => (base === null ? paths[i]! : `${base}/${paths[i]!}`);
    return new Promise((resolve, reject) => {
      this.pending.set(id, { abs, resolve, reject });
      this.queue.push({ id, base, paths, sizes });
      this.pump();
    });
  }

  /** md5s of the files, in order; rejects with the first unreadable file's error (its `path` set). */
  async submit(jobs: readonly HashJob[]): Promise<string[]> {
    const reply = await this.send(
      null,
      jobs.map((j) => j.abs),
      jobs.map((j) => j.size),
    );
    return reply.md5s;
  }

  /**
   * The same for files not stat'ed yet, given relative to directory `base`: each is stat'ed by the
   * thread that opens it, and its stamps come back with its md5 (dev, ino, mtimeMs, size, mode
   * per file, in order).
   */
  async submitPaths(
    base: string,
    relpaths: readonly string[],
  ): Promise<{ md5s: string[]; stamps: Float64Array }> {
    const reply = await this.send(base, relpaths, null);
    return { md5s: reply.md5s, stamps: reply.stamps! };
  }

  close(): void {
    for (const t of this.threads) void t.worker.terminate();
  }
}

export interface HasherOptions {
  name?: HashName;
  threads?: number;
  /** Called as batches are hashed: their bytes, and their number of files. */
  onBytes?: (bytes: number) => void;
  onFiles?: (files: number) => void;
}

/**
 * Hash files that arrive over time (a directory walk): inline until there is enough work to pay
 * for threads, then in a HashPool, batch by batch. `finish()` returns the md5s in `add` order.
 */
export class StreamingHasher {
  private readonly name: HashName;
  private readonly threads: number;
  private readonly onBytes: ((bytes: number) => void) | undefined;
  private readonly onFiles: ((files: number) => void) | undefined;
  private readonly jobs: HashJob[] = [];
  private readonly results: (string | undefined)[] = [];
  private readonly running: Promise<void>[] = [];
  private pool: HashPool | undefined;
  private batchStart = 0;
  private batchBytes = 0;
  private totalBytes = 0;

  constructor(options: HasherOptions = {}) {
    this.name = options.name ?? 'md5';
    this.threads = hashThreads(options.threads);
    this.onBytes = options.onBytes;
    this.onFiles = options.onFiles;
  }

  add(job: HashJob): void {
    this.jobs.push(job);
    this.batchBytes += job.size;
    this.totalBytes += job.size;
    const parallel = this.name === 'md5' && this.threads > 1;
    if (
      parallel &&
      !this.pool &&
      (this.totalBytes >= MIN_PARALLEL_BYTES || this.jobs.length >= MIN_PARALLEL_FILES)
    )
      this.pool = new HashPool(this.threads);
    if (
      this.pool &&
      (this.batchBytes >= BATCH_BYTES || this.jobs.length - this.batchStart >= BATCH_FILES)
    )
      this.flush();
  }

  private flush(): void {
    const start = this.batchStart;
    const batch = this.jobs.slice(start);
    if (batch.length === 0) return;
    this.batchStart = this.jobs.length;
    this.batchBytes = 0;
    this.running.push(
      this.pool!.submit(batch).then((md5s) => {
        md5s.forEach((m, k) => (this.results[start + k] = m));
        this.onBytes?.(batch.reduce((s, j) => s + j.size, 0));
        this.onFiles?.(batch.length);
      }),
    );
  }

  async finish(): Promise<string[]> {
    try {
      if (this.pool) {
        this.flush();
        await Promise.all(this.running);
      } else {
        const buffer = Buffer.allocUnsafe(1 << 20);
        this.jobs.forEach((job, i) => {
          try {
            this.results[i] = hashFileSync(job.abs, this.name, buffer);
          } catch (error) {
            throw Object.assign(error as Error, { path: job.abs });
          }
          this.onBytes?.(job.size);
          this.onFiles?.(1);
        });
      }
    } finally {
      this.pool?.close();
    }
    return this.results as string[];
  }
}

/** md5 of many files (see StreamingHasher); results in `jobs` order. */
export async function hashMany(
  jobs: readonly HashJob[],
  options: HasherOptions = {},
): Promise<string[]> {
  const hasher = new StreamingHasher(options);
  for (const job of jobs) hasher.add(job);
  return hasher.finish();
}
