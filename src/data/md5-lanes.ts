/**
 * MD5 of many files at once, in WebAssembly SIMD. MD5 is sequential within a file and each of its
 * 64 steps waits on the one before, so one file keeps a core's adders mostly idle (OpenSSL: about
 * 0.7 GB/s here). Hashing 4 files per 128-bit vector, and 2 such groups interleaved so that one
 * group's steps fill the other's waits, runs about 3 times faster per core. The module is a few KB
 * of straight-line code built here from the algorithm's definition (RFC 1321); the lane scheduler
 * that feeds it runs in the hashing threads (see createLaneHasher).
 */

/** Groups of 4 lanes interleaved in one pass (measured here: 1 → 1.1 GB/s, 2 → 2.2, 3 → 2.8, 4 → 2.6). */
const MD5_GROUPS = 2;
/** Bytes each lane reads at a time. */
const LANE_CHUNK = 1 << 20;
/** Files this large are md5'd one at a time (OpenSSL) rather than in a lane. */
const ALONE_BYTES = 8 * 1024 * 1024;

/** Where things live in the module's memory (bytes). */
const LAYOUT = {
  /** a, b, c, d vectors of each group: 64 bytes per group. */
  state: 0,
  /** One i32 per lane: where its next block is. */
  pointers: 512,
  /** Each group's 16 message words, transposed to one vector per word: 256 bytes per group. */
  words: 1024,
  /** The 64 round constants, each splat to a vector. */
  constants: 4096,
  /** The lanes' data buffers. */
  data: 8192,
};

/** T[i] = floor(|sin(i + 1)| · 2³²) (RFC 1321 §3.4). */
const ROUND_CONSTANTS = Array.from(
  { length: 64 },
  (_, i) => Math.floor(Math.abs(Math.sin(i + 1)) * 2 ** 32) >>> 0,
);
const SHIFTS = [7, 12, 17, 22, 5, 9, 14, 20, 4, 11, 16, 23, 6, 10, 15, 21];

function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return out;
}

function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const byte = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (byte & 0x40) === 0) || (n === -1 && (byte & 0x40) !== 0)) {
      out.push(byte);
      return out;
    }
    out.push(byte | 0x80);
  }
}

const vec = (items: number[][]): number[] => [...uleb(items.length), ...items.flat()];
const section = (id: number, bytes: number[]): number[] => [id, ...uleb(bytes.length), ...bytes];
const name = (s: string): number[] => [...uleb(s.length), ...Buffer.from(s, 'ascii')];

/** The WebAssembly opcodes used (SIMD ones follow the 0xfd prefix). */
const OP = {
  localGet: 0x20,
  localSet: 0x21,
  localTee: 0x22,
  i32Load: 0x28,
  i32Store: 0x36,
  i32Const: 0x41,
  i32Eqz: 0x45,
  i32Add: 0x6a,
  i32Sub: 0x6b,
  block: 0x02,
  loop: 0x03,
  br: 0x0c,
  brIf: 0x0d,
  end: 0x0b,
  v128: 0x7b,
  i32: 0x7f,
} as const;
const SIMD = {
  load: 0x00,
  store: 0x0b,
  shuffle: 0x0d,
  not: 0x4d,
  or: 0x50,
  xor: 0x51,
  bitselect: 0x52,
  shl: 0xab,
  shrU: 0xad,
  add: 0xae,
} as const;

/**
 * The module: memory `mem` (laid out as LAYOUT, `pages` of 64 KiB) and `run(blocks)`, which
 * advances every lane by `blocks` 64-byte blocks, reading each lane's data from its pointer and
 * updating the state vectors and pointers in place. Each group is 4 lanes; its 16 message words are
 * transposed from the lanes' rows once per block, then the 64 steps run for all groups
 * interleaved step by step, each step computing `a + T[i] + X[k]` before the round function so
 * that only the round function waits on the previous step.
 */
function md5LanesWasm(groups: number, pages: number): Uint8Array {
  const lanes = 4 * groups;
  // Locals: 0 = blocks (the parameter), then one i32 pointer per lane, then per group 9 vectors:
  // a b c d, 4 rows being transposed, 1 temporary.
  const pointer = (lane: number) => 1 + lane;
  const vector = (g: number, k: number) => 1 + lanes + g * 9 + k;
  const row = (g: number, k: number) => vector(g, 4 + k);
  const temp = (g: number) => vector(g, 8);
  const code: number[] = [];
  // Emitting byte by byte (no arrays per instruction): the module is built on every start.
  const u = (n: number) => {
    for (; n >= 0x80; n >>>= 7) code.push((n & 0x7f) | 0x80);
    code.push(n);
  };
  const get = (i: number) => (code.push(OP.localGet), u(i));
  const set = (i: number) => (code.push(OP.localSet), u(i));
  const tee = (i: number) => (code.push(OP.localTee), u(i));
  const i32 = (n: number) => (code.push(OP.i32Const), sleb(n).forEach((b) => code.push(b)));
  const simd = (op: number) => (code.push(0xfd), u(op));
  // Memory operands: alignment 2^4, then the static offset (addresses are offset + 0).
  const load = (offset: number) => (i32(0), simd(SIMD.load), code.push(4), u(offset));
  const storeAt = (offset: number, value: () => void) => {
    i32(0);
    value();
    simd(SIMD.store);
    code.push(4);
    u(offset);
  };
  // i8x16.shuffle of two vectors by 32-bit lane: 0-3 from the first, 4-7 from the second.
  const shuffle = (a: number, b: number, picks: number[]) => {
    get(a);
    get(b);
    simd(SIMD.shuffle);
    for (const p of picks) code.push(4 * p, 4 * p + 1, 4 * p + 2, 4 * p + 3);
  };
  const stateAt = (g: number, k: number) => LAYOUT.state + g * 64 + k * 16;
  const wordAt = (g: number, k: number) => LAYOUT.words + g * 256 + k * 16;

  for (let lane = 0; lane < lanes; lane++) {
    i32(0);
    code.push(OP.i32Load, 2, ...uleb(LAYOUT.pointers + 4 * lane));
    set(pointer(lane));
  }
  for (let g = 0; g < groups; g++)
    for (let k = 0; k < 4; k++) {
      load(stateAt(g, k));
      set(vector(g, k));
    }
  code.push(OP.block, 0x40, OP.loop, 0x40);
  get(0);
  code.push(OP.i32Eqz, OP.brIf, 1);
  // Transpose: row l of a 4×4 tile is 4 consecutive words of lane l; word vector k holds word k of
  // every lane.
  for (let g = 0; g < groups; g++)
    for (let j = 0; j < 4; j++) {
      for (let l = 0; l < 4; l++) {
        get(pointer(4 * g + l));
        simd(SIMD.load);
        code.push(4);
        u(16 * j);
        set(row(g, l));
      }
      shuffle(row(g, 0), row(g, 1), [0, 4, 1, 5]);
      set(temp(g));
      shuffle(row(g, 0), row(g, 1), [2, 6, 3, 7]);
      set(row(g, 1));
      shuffle(row(g, 2), row(g, 3), [0, 4, 1, 5]);
      set(row(g, 0));
      shuffle(row(g, 2), row(g, 3), [2, 6, 3, 7]);
      set(row(g, 3));
      storeAt(wordAt(g, 4 * j), () => shuffle(temp(g), row(g, 0), [0, 1, 4, 5]));
      storeAt(wordAt(g, 4 * j + 1), () => shuffle(temp(g), row(g, 0), [2, 3, 6, 7]));
      storeAt(wordAt(g, 4 * j + 2), () => shuffle(row(g, 1), row(g, 3), [0, 1, 4, 5]));
      storeAt(wordAt(g, 4 * j + 3), () => shuffle(row(g, 1), row(g, 3), [2, 3, 6, 7]));
    }
  // The 64 steps; which local holds a, b, c, d rotates instead of moving values.
  const names = Array.from({ length: groups }, (_, g) => [0, 1, 2, 3].map((k) => vector(g, k)));
  for (let i = 0; i < 64; i++) {
    const round = i >> 4;
    const word = [i, (5 * i + 1) % 16, (3 * i + 5) % 16, (7 * i) % 16][round]!;
    const shift = SHIFTS[round * 4 + (i % 4)]!;
    for (let g = 0; g < groups; g++) {
      const [a, b, c, d] = names[g] as [number, number, number, number];
      get(a);
      load(LAYOUT.constants + 16 * i);
      simd(SIMD.add);
      load(wordAt(g, word));
      simd(SIMD.add);
      // The round function of b, c, d.
      if (round === 0) {
        // (b & c) | (~b & d)
        [c, d, b].forEach(get);
        simd(SIMD.bitselect);
      } else if (round === 1) {
        // (d & b) | (~d & c)
        [b, c, d].forEach(get);
        simd(SIMD.bitselect);
      } else if (round === 2) {
        // b ^ c ^ d
        [b, c].forEach(get);
        simd(SIMD.xor);
        get(d);
        simd(SIMD.xor);
      } else {
        // c ^ (b | ~d)
        [c, b, d].forEach(get);
        simd(SIMD.not);
        simd(SIMD.or);
        simd(SIMD.xor);
      }
      simd(SIMD.add);
      tee(temp(g));
      i32(shift);
      simd(SIMD.shl);
      get(temp(g));
      i32(32 - shift);
      simd(SIMD.shrU);
      simd(SIMD.or);
      get(b);
      simd(SIMD.add);
      set(a);
      names[g] = [d, a, b, c];
    }
  }
  for (let g = 0; g < groups; g++)
    for (let k = 0; k < 4; k++)
      storeAt(stateAt(g, k), () => {
        get(vector(g, k));
        load(stateAt(g, k));
        simd(SIMD.add);
        tee(vector(g, k));
      });
  for (let lane = 0; lane < lanes; lane++) {
    get(pointer(lane));
    i32(64);
    code.push(OP.i32Add);
    set(pointer(lane));
  }
  get(0);
  i32(1);
  code.push(OP.i32Sub);
  set(0);
  code.push(OP.br, 0, OP.end, OP.end);
  // Each lane's pointer now at its next block, for the next call.
  for (let lane = 0; lane < lanes; lane++) {
    i32(0);
    get(pointer(lane));
    code.push(OP.i32Store, 2, ...uleb(LAYOUT.pointers + 4 * lane));
  }
  code.push(OP.end);

  const body = [
    ...vec([
      [...uleb(lanes), OP.i32],
      [...uleb(9 * groups), OP.v128],
    ]),
    ...code,
  ];
  return Uint8Array.from([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, vec([[0x60, ...vec([[OP.i32]]), ...vec([])]])),
    ...section(3, vec([[0]])),
    ...section(5, vec([[0x00, ...uleb(pages)]])),
    ...section(
      7,
      vec([
        [...name('mem'), 0x02, 0],
        [...name('run'), 0x00, 0],
      ]),
    ),
    ...section(10, vec([[...uleb(body.length), ...body]])),
  ]);
}

/**
 * The part of the WebAssembly API used here (the project's type libraries carry no DOM types,
 * where TypeScript declares it).
 */
interface WasmApi {
  Module: new (bytes: Uint8Array) => CompiledModule;
  Instance: new (
    module: CompiledModule,
    imports: object,
  ) => { exports: { mem: { buffer: ArrayBuffer }; run: (blocks: number) => void } };
}
/** A compiled module (structured-cloneable: every thread instantiates the same one). */
export type CompiledModule = { readonly __brand: 'WebAssembly.Module' };

/** Compile the module; null where the engine cannot (no SIMD). */
function compileLanes(bytes: Uint8Array): CompiledModule | null {
  try {
    return new (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly.Module(bytes);
  } catch {
    return null;
  }
}

/** What the lane hasher needs: the compiled module and the file functions it reads with. */
export interface LaneHasherDeps {
  /** null where the module does not compile (no WebAssembly SIMD): then OpenSSL, file by file. */
  module: CompiledModule | null;
  groups: number;
  /** Bytes read per lane at a time (a multiple of 64). */
  chunk: number;
  /** Files this large are hashed one at a time with `createHash`, not in a lane. */
  aloneBytes: number;
  createHash(name: 'md5'): { update(data: Uint8Array): unknown; digest(encoding: 'hex'): string };
  fs: {
    openSync(path: string, flags: string): number;
    readSync(
      fd: number,
      buffer: Uint8Array,
      offset: number,
      length: number,
      position: null,
    ): number;
    fstatSync(fd: number): {
      dev: number;
      ino: number;
      mtimeMs: number;
      size: number;
      mode: number;
    };
    closeSync(fd: number): void;
  };
  layout: typeof LAYOUT;
  constants: readonly number[];
}

/** Everything a lane hasher needs but its file and hash functions: the compiled module and its settings. */
export type LaneSetup = Omit<LaneHasherDeps, 'fs' | 'createHash'>;

/**
 * The module compiled for `groups` groups of lanes reading `chunk` bytes at a time, with its
 * settings (the defaults are what the hashing threads use; tests pick small chunks).
 */
export function md5Lanes({
  groups = MD5_GROUPS,
  chunk = LANE_CHUNK,
  aloneBytes = ALONE_BYTES,
}: { groups?: number; chunk?: number; aloneBytes?: number } = {}): LaneSetup {
  const pages = Math.ceil((LAYOUT.data + 4 * groups * (chunk + 128)) / 65536);
  return {
    module: compileLanes(md5LanesWasm(groups, pages)),
    groups,
    chunk,
    aloneBytes,
    layout: LAYOUT,
    constants: ROUND_CONSTANTS,
  };
}

/** A file's md5 failed: which file (index in the batch) and the error's fields. */
export interface LaneError {
  index: number;
  code?: string | undefined;
  message: string;
  syscall?: string | undefined;
}

/**
 * The lane scheduler, run inside a hashing thread: `hash(paths, …)` opens the batch's files into
 * free lanes, reads each in chunks into its lane's buffer (MD5 padding written after a file's
 * last bytes), runs the module for as many blocks as every busy lane has, and takes a lane's
 * digest out when its file is done, refilling the lane with the next file. A file of `aloneBytes`
 * or more is hashed with OpenSSL when it is the batch's only one, and otherwise handed back
 * (`deferred`) to be sent again on its own. Idle lanes hash whatever their buffer holds and are
 * never read. Stamps, when asked for, come from fstat on the open file. This function is serialised into the thread's
 * source (Function.prototype.toString), so it refers to nothing outside itself but `deps`.
 */
export function createLaneHasher(deps: LaneHasherDeps) {
  const { groups, chunk, fs, layout } = deps;
  const lanes = 4 * groups;
  const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
  // Without a module (a CPU whose engine has no WebAssembly SIMD), every file is hashed alone.
  const exports =
    deps.module === null
      ? { mem: { buffer: new ArrayBuffer(layout.data + lanes * (chunk + 128)) }, run: () => {} }
      : new wasm.Instance(deps.module, {}).exports;
  const aloneBytes = deps.module === null ? 0 : deps.aloneBytes;
  const mem = Buffer.from(exports.mem.buffer);
  const view = new DataView(exports.mem.buffer);
  deps.constants.forEach((t, i) => {
    for (let l = 0; l < 4; l++) view.setUint32(layout.constants + 16 * i + 4 * l, t, true);
  });
  const IV = [0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476];
  const wordOf = (lane: number, k: number) =>
    layout.state + (lane >> 2) * 64 + k * 16 + (lane & 3) * 4;
  const bufferOf = (lane: number) => layout.data + lane * (chunk + 128);

  return function hash(
    base: string | null,
    paths: readonly string[],
    sizes: readonly number[] | null,
    stamps: Float64Array | null,
  ): { md5s: string[]; error: LaneError | null; deferred: number[] } {
    const md5s: string[] = new Array<string>(paths.length);
    // Per lane: the file (index, fd), its size, bytes read, blocks left in the buffer, whether
    // the buffer ends the file (padding written).
    const file = new Int32Array(lanes).fill(-1);
    const fds = new Int32Array(lanes).fill(-1);
    const size = new Float64Array(lanes);
    const read = new Float64Array(lanes);
    const blocks = new Int32Array(lanes);
    const last = new Uint8Array(lanes);
    let next = 0;
    let busy = 0;
    // Read the lane's next chunk; at the end of the file, pad it as MD5 does.
    const fill = (lane: number): void => {
      const at = bufferOf(lane);
      let got = 0;
      let end = false;
      for (;;) {
        const n = fs.readSync(fds[lane]!, mem, at + got, chunk - got, null);
        got += n;
        read[lane]! += n;
        // A short read that reaches the size seen is the end (no read that returns 0 after it).
        if (n === 0 || (read[lane]! >= size[lane]! && got < chunk)) end = true;
        if (end || got === chunk) break;
      }
      view.setUint32(layout.pointers + 4 * lane, at, true);
      if (!end) {
        blocks[lane] = chunk / 64;
        return;
      }
      mem[at + got] = 0x80;
      let padded = got + 1;
      while (padded % 64 !== 56) mem[at + padded++] = 0;
      const bits = read[lane]! * 8;
      view.setUint32(at + padded, bits >>> 0, true);
      view.setUint32(at + padded + 4, Math.floor(bits / 2 ** 32), true);
      blocks[lane] = (padded + 8) / 64;
      last[lane] = 1;
    };
    // A large file is hashed on its own, with OpenSSL, rather than held in a lane: the other lanes
    // would run dry long before it ends, and a lane alone is slower than OpenSSL.
    const alone = (lane: number): void => {
      const hash = deps.createHash('md5');
      const at = bufferOf(lane);
      for (let total = 0; ;) {
        const n = fs.readSync(fds[lane]!, mem, at, chunk, null);
        if (n === 0) break;
        hash.update(mem.subarray(at, at + n));
        total += n;
        if (n < chunk && total >= size[lane]!) break;
      }
      md5s[file[lane]!] = hash.digest('hex');
      fs.closeSync(fds[lane]!);
      fds[lane] = -1;
      file[lane] = -1;
    };
    // Large files of a batch of several are left to the caller (their stamps taken), which sends
    // each on its own to whichever thread is free: one thread does not get them all.
    const deferred: number[] = [];
    /** Open file `index` in free lane `lane`; false when it is done with (alone or deferred). */
    const start = (lane: number, index: number): boolean => {
      const fd = fs.openSync(base === null ? paths[index]! : `${base}/${paths[index]!}`, 'r');
      file[lane] = index;
      fds[lane] = fd;
      if (stamps !== null) {
        const st = fs.fstatSync(fd);
        const at = index * 5;
        stamps[at] = st.dev;
        stamps[at + 1] = st.ino;
        stamps[at + 2] = st.mtimeMs;
        stamps[at + 3] = st.size;
        stamps[at + 4] = st.mode;
        size[lane] = st.size;
      } else size[lane] = sizes![index]!;
      if (size[lane] >= aloneBytes) {
        if (paths.length === 1 || deps.module === null) alone(lane);
        else {
          deferred.push(index);
          fs.closeSync(fd);
          fds[lane] = -1;
          file[lane] = -1;
        }
        return false;
      }
      read[lane] = 0;
      last[lane] = 0;
      for (let k = 0; k < 4; k++) view.setUint32(wordOf(lane, k), IV[k]!, true);
      fill(lane);
      return true;
    };
    const finish = (lane: number): void => {
      let hex = '';
      for (let k = 0; k < 4; k++) {
        const at = wordOf(lane, k);
        hex += mem.toString('hex', at, at + 4);
      }
      md5s[file[lane]!] = hex;
      fs.closeSync(fds[lane]!);
      fds[lane] = -1;
      file[lane] = -1;
    };
    let working = -1; // the file being opened or read, named by an error
    try {
      for (;;) {
        for (let lane = 0; lane < lanes; lane++) {
          while (file[lane] === -1 && next < paths.length) {
            working = next++;
            if (start(lane, working)) busy++;
          }
        }
        if (busy === 0) break;
        let step = Infinity;
        for (let lane = 0; lane < lanes; lane++)
          if (file[lane] !== -1 && blocks[lane]! < step) step = blocks[lane]!;
        // Idle lanes restart at their buffer: they never run past it.
        for (let lane = 0; lane < lanes; lane++)
          if (file[lane] === -1) view.setUint32(layout.pointers + 4 * lane, bufferOf(lane), true);
        exports.run(step);
        for (let lane = 0; lane < lanes; lane++) {
          if (file[lane] === -1) continue;
          blocks[lane]! -= step;
          if (blocks[lane] !== 0) continue;
          if (last[lane] === 1) {
            finish(lane);
            busy--;
          } else {
            working = file[lane]!;
            fill(lane);
          }
        }
      }
      return { md5s, error: null, deferred };
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      return {
        md5s,
        error: { index: working, code: err.code, message: err.message, syscall: err.syscall },
        deferred,
      };
    } finally {
      for (let lane = 0; lane < lanes; lane++) if (fds[lane] !== -1) fs.closeSync(fds[lane]!);
    }
  };
}
