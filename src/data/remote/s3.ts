import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
  type S3ClientConfig,
} from '@aws-sdk/client-s3';
import { mapLimit } from '../pool.ts';
import { groupByDirectory, isNotFound, LIST_THRESHOLD, type RemoteStore } from './store.ts';

/** Objects up to this size go in one PUT (with Content-MD5, which S3 checks); larger ones in parts. */
const SINGLE_PUT_MAX = 64 * 1024 * 1024;
const PART_SIZE = 16 * 1024 * 1024;

export interface S3RemoteOptions {
  name: string;
  /** `s3://bucket/prefix` */
  url: string;
  endpoint?: string;
  region?: string;
  profile?: string;
  /** The environment credentials are read from (AWS_ACCESS_KEY_ID…); else the SDK's default chain. */
  env: Readonly<Record<string, string | undefined>>;
}

function md5Base64(data: Uint8Array): string {
  return createHash('md5').update(data).digest('base64');
}

async function fileMd5Base64(path: string): Promise<string> {
  const hash = createHash('md5');
  await pipeline(createReadStream(path, { highWaterMark: 1 << 20 }), hash);
  return hash.digest('base64');
}

function counting(onBytes: ((bytes: number) => void) | undefined): Transform {
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      onBytes?.(chunk.length);
      callback(null, chunk);
    },
  });
}

/**
 * A remote in an S3 bucket (AWS, or any S3-compatible store through `endpoint`, path-style).
 * Checksums are sent only where S3 requires them plus Content-MD5: newer SDKs default to CRC
 * trailers in aws-chunked bodies, which S3-compatible servers often reject. Retries are left to
 * the caller (a read stream cannot be replayed by the SDK).
 */
export class S3Remote implements RemoteStore {
  readonly name: string;
  readonly url: string;
  private readonly client: S3Client;
  private readonly bucket: string;
  private readonly prefix: string;

  constructor(options: S3RemoteOptions) {
    this.name = options.name;
    this.url = options.url;
    const rest = options.url.slice('s3://'.length);
    const slash = rest.indexOf('/');
    this.bucket = slash === -1 ? rest : rest.slice(0, slash);
    this.prefix = slash === -1 ? '' : rest.slice(slash + 1).replace(/\/+$/, '');
    const env = options.env;
    // The SDK warns on Node 20 about its future releases; ours is bundled at a fixed version.
    process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
    const config: S3ClientConfig = {
      region: options.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? 'us-east-1',
      maxAttempts: 1,
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    };
    if (options.endpoint !== undefined) {
      config.endpoint = options.endpoint;
      config.forcePathStyle = true;
    }
    if (env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY) {
      config.credentials = {
        accessKeyId: env.AWS_ACCESS_KEY_ID,
        secretAccessKey: env.AWS_SECRET_ACCESS_KEY,
        ...(env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {}),
      };
    } else if (options.profile !== undefined) {
      config.profile = options.profile;
    }
    this.client = new S3Client(config);
  }

  private objectName(key: string): string {
    return this.prefix === '' ? key : `${this.prefix}/${key}`;
  }

  async has(keys: readonly string[], jobs: number): Promise<Map<string, number | undefined>> {
    const byDir = groupByDirectory(keys);
    const found = new Map<string, number | undefined>();
    const listed = [...byDir].filter(([, group]) => group.length >= LIST_THRESHOLD);
    const single = [...byDir]
      .filter(([, group]) => group.length < LIST_THRESHOLD)
      .flatMap(([, g]) => g);
    await mapLimit(listed, jobs, async ([dir, group]) => {
      const names = await this.list(`${this.objectName(dir)}/`);
      for (const key of group) {
        const size = names.get(this.objectName(key));
        if (size !== undefined) found.set(key, size);
      }
    });
    await mapLimit(single, jobs, async (key) => {
      try {
        const head = await this.client.send(
          new HeadObjectCommand({ Bucket: this.bucket, Key: this.objectName(key) }),
        );
        found.set(key, head.ContentLength);
      } catch (error) {
        if (!isNotFound(error)) throw error;
      }
    });
    return found;
  }

  private async list(prefix: string): Promise<Map<string, number>> {
    const names = new Map<string, number>();
    let token: string | undefined;
    do {
      const page = await this.client.send(
        new ListObjectsV2Command({ Bucket: this.bucket, Prefix: prefix, ContinuationToken: token }),
      );
      for (const o of page.Contents ?? []) if (o.Key !== undefined) names.set(o.Key, o.Size ?? 0);
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token !== undefined);
    return names;
  }

  async put(
    key: string,
    localPath: string,
    size: number,
    onBytes?: (bytes: number) => void,
  ): Promise<void> {
    if (size > SINGLE_PUT_MAX) return this.putInParts(key, localPath, size, onBytes);
    const contentMd5 = await fileMd5Base64(localPath);
    const body = createReadStream(localPath, { highWaterMark: 1 << 20 }).pipe(counting(onBytes));
    await this.client.send(
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: this.objectName(key),
        Body: body,
        ContentLength: size,
        ContentMD5: contentMd5,
      }),
    );
  }

  /** Multipart upload: the object appears only when every part arrived; a failure aborts it. */
  private async putInParts(
    key: string,
    localPath: string,
    size: number,
    onBytes?: (bytes: number) => void,
  ): Promise<void> {
    const Key = this.objectName(key);
    const created = await this.client.send(
      new CreateMultipartUploadCommand({ Bucket: this.bucket, Key }),
    );
    const UploadId = created.UploadId!;
    const fh = await open(localPath, 'r');
    try {
      const parts: { ETag: string; PartNumber: number }[] = [];
      const buffer = Buffer.allocUnsafe(PART_SIZE);
      for (let offset = 0, n = 1; offset < size; offset += PART_SIZE, n++) {
        const { bytesRead } = await fh.read(buffer, 0, Math.min(PART_SIZE, size - offset), offset);
        const part = buffer.subarray(0, bytesRead);
        const reply = await this.client.send(
          new UploadPartCommand({
            Bucket: this.bucket,
            Key,
            UploadId,
            PartNumber: n,
            Body: part,
            ContentLength: bytesRead,
            ContentMD5: md5Base64(part),
          }),
        );
        parts.push({ ETag: reply.ETag!, PartNumber: n });
        onBytes?.(bytesRead);
      }
      await this.client.send(
        new CompleteMultipartUploadCommand({
          Bucket: this.bucket,
          Key,
          UploadId,
          MultipartUpload: { Parts: parts },
        }),
      );
    } catch (error) {
      await this.client
        .send(new AbortMultipartUploadCommand({ Bucket: this.bucket, Key, UploadId }))
        .catch(() => undefined);
      throw error;
    } finally {
      await fh.close();
    }
  }

  async get(key: string, dest: string, onBytes?: (bytes: number) => void): Promise<void> {
    const reply = await this.client.send(
      new GetObjectCommand({ Bucket: this.bucket, Key: this.objectName(key) }),
    );
    const body = reply.Body;
    if (!(body instanceof Readable)) throw new Error(`s3: unexpected body for ${key}`);
    await pipeline(body, counting(onBytes), createWriteStream(dest, { flags: 'wx' }));
  }

  close(): void {
    this.client.destroy();
  }
}
