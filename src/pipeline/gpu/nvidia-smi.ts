/**
 * Parsing what nvidia-smi prints. Its output "is not guaranteed to be backwards compatible", so
 * field names are probed with --help-query-gpu, unsupported values ([N/A], [Not Supported], ...)
 * become null, and lines that do not parse are skipped (ECC and Xid events can interleave).
 */

/** Field names (and aliases) a driver accepts for --query-gpu, from --help-query-gpu. */
export function parseQueryFields(help: string): Set<string> {
  const fields = new Set<string>();
  for (const line of help.split('\n')) {
    if (!line.startsWith('"')) continue;
    for (const m of line.matchAll(/"([a-z0-9_.[\]]+)"/gi)) fields.add(m[1]!);
  }
  return fields;
}

const UNAVAILABLE =
  /^\[(?:N\/A|Not Supported|Unknown Error|Insufficient Permissions|GPU is lost|Requested functionality has been deprecated)\]$|^N\/A$/;

/** One value as printed with nounits: a string, or null when the driver has none. */
export function cleanValue(raw: string): string | null {
  const v = raw.trim();
  return v === '' || UNAVAILABLE.test(v) ? null : v;
}

export function numberOrNull(raw: string | null | undefined): number | null {
  if (raw === null || raw === undefined) return null;
  const n = Number(raw.replace(/\s*(MiB|W|%|C|MHz)$/, ''));
  return Number.isFinite(n) ? n : null;
}

/**
 * Rows of `--query-gpu=<fields> --format=csv,noheader,nounits`: each line split on ", " into the
 * requested fields. A line with the wrong number of values is skipped.
 */
export function parseQueryRows(
  text: string,
  fields: readonly string[],
): Record<string, string | null>[] {
  const rows: Record<string, string | null>[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    const values = line.split(',');
    if (values.length !== fields.length) continue;
    rows.push(Object.fromEntries(fields.map((f, i) => [f, cleanValue(values[i]!)])));
  }
  return rows;
}

export interface ListedGpu {
  index: number;
  name: string;
  uuid: string;
  mig: { profile: string; device: number; uuid: string }[];
}

/** `nvidia-smi -L`: GPUs and, indented under them, their MIG devices. */
export function parseList(text: string): ListedGpu[] {
  const gpus: ListedGpu[] = [];
  for (const line of text.split('\n')) {
    const gpu = /^GPU (\d+): (.+?) \(UUID: (GPU-[0-9a-fA-F-]+)\)\s*$/.exec(line);
    if (gpu) {
      gpus.push({ index: Number(gpu[1]), name: gpu[2]!, uuid: gpu[3]!, mig: [] });
      continue;
    }
    const mig = /^\s+MIG (\S+)\s+Device\s+(\d+): \(UUID: (MIG-[0-9a-zA-Z/-]+)\)\s*$/.exec(line);
    if (mig && gpus.length > 0)
      gpus.at(-1)!.mig.push({ profile: mig[1]!, device: Number(mig[2]), uuid: mig[3]! });
  }
  return gpus;
}
