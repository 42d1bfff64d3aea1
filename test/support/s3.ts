import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import S3rver from 's3rver';

/** s3rver's default credentials; s3rver checks signatures made with them. */
export const S3_ENV = {
  AWS_ACCESS_KEY_ID: 'S3RVER',
  AWS_SECRET_ACCESS_KEY: 'S3RVER',
  AWS_REGION: 'us-east-1',
};

export interface S3Server {
  endpoint: string;
  bucket: string;
  /** Where s3rver keeps objects on disk. */
  dir: string;
  server: S3rver;
  close(): Promise<void>;
}

/** A real S3-protocol server (s3rver) on 127.0.0.1, on a free port, with one empty bucket. */
export async function startS3(bucket = 'data'): Promise<S3Server> {
  const dir = mkdtempSync(join(tmpdir(), 'gitops-ml-s3-'));
  const server = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: true,
    directory: dir,
    configureBuckets: [{ name: bucket }],
  });
  const { port } = await server.run();
  return {
    endpoint: `http://127.0.0.1:${port}`,
    bucket,
    dir,
    server,
    close: async () => {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
