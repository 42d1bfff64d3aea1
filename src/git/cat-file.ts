import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { InfraError } from '../errors.ts';

interface Pending {
  resolve: (content: Buffer | undefined) => void;
  reject: (error: Error) => void;
}

/**
 * One long-lived `git cat-file --batch`: reads many blobs for the cost of one process. Requests are
 * answered in order; `close()` ends the process.
 */
export class BlobReader {
  readonly #child: ChildProcessWithoutNullStreams;
  readonly #queue: Pending[] = [];
  #buffer: Buffer = Buffer.alloc(0);
  #failed: Error | undefined;

  constructor(cwd: string) {
    this.#child = spawn('git', ['cat-file', '--batch'], {
      cwd,
      env: { ...process.env, GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C' },
    });
    this.#child.stdout.on('data', (chunk: Buffer) => {
      this.#buffer = this.#buffer.length ? Buffer.concat([this.#buffer, chunk]) : chunk;
      this.#drain();
    });
    const fail = (error: Error) => {
      this.#failed = new InfraError(`git cat-file failed: ${error.message}`, { cause: error });
      for (const p of this.#queue.splice(0)) p.reject(this.#failed);
    };
    this.#child.on('error', fail);
    this.#child.on('exit', (code) => {
      if (this.#queue.length > 0) fail(new Error(`exited with code ${String(code)}`));
    });
    this.#child.stdin.on('error', fail);
  }

  /** The blob named `spec` (`<rev>:<path>`), or undefined when there is none. */
  read(spec: string): Promise<Buffer | undefined> {
    if (this.#failed) return Promise.reject(this.#failed);
    if (spec.includes('\n')) return Promise.resolve(undefined);
    return new Promise((resolve, reject) => {
      this.#queue.push({ resolve, reject });
      this.#child.stdin.write(`${spec}\n`);
    });
  }

  close(): void {
    this.#child.stdin.end();
  }

  #drain(): void {
    for (;;) {
      const head = this.#queue[0];
      if (!head) return;
      const nl = this.#buffer.indexOf(10);
      if (nl === -1) return;
      const line = this.#buffer.subarray(0, nl).toString('utf8');
      if (line.endsWith(' missing') || line.endsWith(' ambiguous')) {
        this.#buffer = this.#buffer.subarray(nl + 1);
        this.#queue.shift();
        head.resolve(undefined);
        continue;
      }
      const [, type, size] = line.split(' ');
      const length = Number(size);
      if (this.#buffer.length < nl + 1 + length + 1) return;
      const content = Buffer.from(this.#buffer.subarray(nl + 1, nl + 1 + length));
      this.#buffer = this.#buffer.subarray(nl + 1 + length + 1);
      this.#queue.shift();
      head.resolve(type === 'blob' ? content : undefined);
    }
  }
}
