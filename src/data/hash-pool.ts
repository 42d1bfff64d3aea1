import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { HashName } from './hash-info.ts';
import { hashFileSync } from './hasher.ts';
import { createLaneHasher, md5Lanes, type LaneError, type LaneSetup } from './md5-lanes.ts';

/** A file to hash: absolute path and size (for batching and progress). */
export interface HashJob {
  abs: string;
  size: number;
}

/**
 * The worker's whole program. It is plain JavaScript evaluated by `new Worker(…, { eval: true })`
 * so that it runs unchanged from the TypeScript sources (tests) and from the bundle (dist/): the
 * lane hasher (md5-lanes.ts) serialised, given the compiled module in a first message (made while
 * the thread starts up), then answering each batch with its md5s and, when the batch came
 * without sizes, the stamps it took from fstat on each open file (dev, ino, mtimeMs, size, mode
 * per file).
 */
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { openSync, readSync, closeSync, fstatSync } = require('node:fs');
const { createHash } = require('node:crypto');
const createLaneHasher = ${createLaneHasher.toString()};
let hash;
parentPort.on('message', (message) => {
  if (message.lanes) {
    const fs = { openSync, readSync, closeSync, fstatSync };
    hash = createLaneHasher({ ...message.lanes, fs, createHash });
    return;
  }
  const { id, base, paths, sizes } = message;
  const stamps = sizes === null ? new Float64Array(paths.length * 5) : null;
  const { md5s, error, deferred } = hash(base, paths, sizes, stamps);
  const transfer = stamps === null ? [] : [stamps.buffer];
  parentPort.postMessage({ id, md5s, stamps, error, deferred }, transfer);
});
`;

/** The compiled module and its settings, made once per process and shared by every thread. */
let lanes: LaneSetup | undefined;

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
  error: LaneError | null;
  /** Large files the thread left to be sent again, each on its own. */
  deferred: number[];
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
    // The threads start up meanwhile; the module is their first message.
    lanes ??= md5Lanes();
    for (const t of this.threads) t.worker.postMessage({ lanes });
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
    const paths = jobs.map((j) => j.abs);
    const sizes = jobs.map((j) => j.size);
    return this.settled(await this.send(null, paths, sizes), null, paths, (i) => sizes[i]!);
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
    const stamps = reply.stamps!;
    const size = (i: number) => stamps[i * 5 + 3]!;
    return { md5s: await this.settled(reply, base, relpaths, size), stamps };
  }

  /** A batch's md5s once the large files its thread deferred are hashed, each as a batch of one. */
  private async settled(
    reply: WorkerReply,
    base: string | null,
    paths: readonly string[],
    size: (i: number) => number,
  ): Promise<string[]> {
    const { md5s } = reply;
    await Promise.all(
      reply.deferred.map(async (i) => {
        md5s[i] = (await this.send(base, [paths[i]!], [size(i)])).md5s[0]!;
      }),
    );
    return md5s;
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
