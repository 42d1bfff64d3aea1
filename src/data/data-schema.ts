import * as z from 'zod';

/** DVC's checksum fields: a string (lowercased when used), a number written bare, or null. */
export const Checksum = z.union([z.string(), z.number().transform(String), z.null()]);

/**
 * The hash and metadata keys DVC writes for an output or dependency (`DATA_SCHEMA` and
 * `META_SCHEMA` in dvc/schema.py, dvc/output.py), shared by `.dvc` files and dvc.lock.
 */
export const outputDataFields = {
  hash: z.string().optional(),
  md5: Checksum.optional(),
  etag: Checksum.optional(),
  checksum: Checksum.optional(),
  size: z.number().int().nonnegative().optional(),
  nfiles: z.number().int().nonnegative().optional(),
  isexec: z.boolean().optional(),
  version_id: z.string().optional(),
  cloud: z.record(z.string(), z.unknown()).optional(),
  files: z.array(z.unknown()).optional(),
};
