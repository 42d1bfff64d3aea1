import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { join } from 'node:path';
import {
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execute } from '../../src/cli/main.ts';
import { captureIo } from '../support/io.ts';
import { S3_ENV, startS3, type S3Server } from '../support/s3.ts';
import { gitIn, gitRepo, projectRoot, tempDir, writeFiles } from '../support/temp.ts';

let s3: S3Server;
beforeAll(async () => {
  s3 = await startS3();
});
afterAll(async () => {
  await s3.close();
});

async function run(cwd: string, ...args: string[]) {
  const io = captureIo(cwd, S3_ENV);
  const outcome = await execute(args, io);
  return { code: outcome.exitCode, stdout: io.out(), stderr: io.err() };
}

function s3Repo(prefix: string): string {
  return gitRepo({
    'gitops-ml.yaml': `remotes:\n  s3: {url: "s3://${s3.bucket}/${prefix}", endpoint: "${s3.endpoint}", jobs: 2}\ndefaults: {remote: s3}\n`,
  });
}

function client(): S3Client {
  return new S3Client({
    endpoint: s3.endpoint,
    forcePathStyle: true,
    region: 'us-east-1',
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
}

async function putRaw(key: string, body: string): Promise<void> {
  const c = client();
  await c.send(new PutObjectCommand({ Bucket: s3.bucket, Key: key, Body: body }));
  c.destroy();
}

/** Every object under the prefix, checked against its name: md5 of the bytes (+ `.dir`). */
async function verifyRemote(prefix: string): Promise<{ objects: number; bad: string[] }> {
  const c = client();
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const page = await c.send(
      new ListObjectsV2Command({
        Bucket: s3.bucket,
        Prefix: `${prefix}/`,
        ContinuationToken: token,
      }),
    );
    keys.push(...(page.Contents ?? []).map((o) => o.Key!));
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  const bad: string[] = [];
  for (const key of keys) {
    const m = /\/files\/md5\/([0-9a-f]{2})\/([0-9a-f]{30})(\.dir)?$/.exec(key);
    const body = await (
      await c.send(new GetObjectCommand({ Bucket: s3.bucket, Key: key }))
    ).Body!.transformToByteArray();
    if (!m || createHash('md5').update(body).digest('hex') !== m[1]! + m[2]!) bad.push(key);
  }
  c.destroy();
  return { objects: keys.length, bad };
}

describe('an S3 remote (s3rver on 127.0.0.1)', () => {
  it('push, status and pull use the DVC layout and move only what is missing', async () => {
    const repo = s3Repo('cache');
    writeFiles(repo, { 'data/a.csv': 'a\n', 'data/sub/b.csv': 'b\n', 'model.bin': 'weights' });
    expect((await run(repo, 'data', 'add', 'data', 'model.bin')).code).toBe(0);
    const before = await run(repo, 'data', 'status', '-r', 's3', '--json');
    expect(JSON.parse(before.stdout)).toMatchObject({
      clean: false,
      paths: [
        { path: 'data', remote: 'missing', states: ['missing from remote'] },
        { path: 'model.bin', remote: 'missing', states: ['missing from remote'] },
      ],
    });
    const pushed = await run(repo, 'data', 'push', '--json');
    expect(pushed.code).toBe(0);
    expect(JSON.parse(pushed.stdout)).toEqual({
      remotes: [{ remote: 's3', uploaded: 4, present: 0, missing: [], failed: [] }],
    });
    expect(await verifyRemote('cache')).toEqual({ objects: 4, bad: [] });
    const after = await run(repo, 'data', 'status', '-c', '--json');
    expect(JSON.parse(after.stdout)).toMatchObject({ clean: true, remotes: ['s3'] });

    gitIn(repo, 'add', '-A');
    gitIn(repo, 'commit', '-qm', 'data');
    const clone = join(tempDir(), 'clone');
    gitIn(projectRoot, 'clone', '-q', repo, clone);
    const pulled = await run(clone, 'data', 'pull', '--json');
    expect(pulled.code).toBe(0);
    expect(JSON.parse(pulled.stdout)).toMatchObject({
      remotes: [{ remote: 's3', downloaded: 4, present: 0, missing: [], corrupt: [], failed: [] }],
    });
    expect(JSON.parse((await run(clone, 'data', 'status', '-c', '--json')).stdout)).toMatchObject({
      clean: true,
    });
  });

  it('a push killed midway (SIGKILL) and run again completes, every object verifiable', async () => {
    const repo = s3Repo('killed');
    const files: Record<string, string> = {};
    for (let i = 0; i < 120; i++)
      files[`big/f${String(i).padStart(3, '0')}.bin`] = randomBytes(96 * 1024).toString('base64');
    // Large files sort first, so the kill lands while one of them is half uploaded.
    for (let i = 0; i < 4; i++)
      files[`big/0-large${i}.bin`] = randomBytes(6 * 1024 * 1024).toString('base64');
    writeFiles(repo, files);
    expect((await run(repo, 'data', 'add', 'big')).code).toBe(0);

    const child = spawn(
      process.execPath,
      [join(projectRoot, 'bin/gitops-ml.js'), 'data', 'push', '-j', '2'],
      {
        cwd: repo,
        env: { PATH: process.env.PATH, ...S3_ENV },
        stdio: 'ignore',
      },
    );
    let puts = 0;
    const killed = new Promise<number>((resolve) => {
      const onEvent = (event: {
        Records: { eventName: string; s3: { object: { key: string } } }[];
      }) => {
        if (!event.Records.some((r) => r.s3.object.key.startsWith('killed/'))) return;
        if (++puts === 3) {
          child.kill('SIGKILL');
          s3.server.off('event', onEvent);
          resolve(puts);
        }
      };
      s3.server.on('event', onEvent);
    });
    const exit = await new Promise<NodeJS.Signals | null>((resolve) =>
      child.on('exit', (_code, signal) => resolve(signal)),
    );
    expect(exit).toBe('SIGKILL');
    expect(await killed).toBe(3);
    const midway = await verifyRemote('killed');
    expect(midway.objects).toBeLessThan(125);
    // The manifest goes last: after the kill the remote has no directory it cannot serve.
    expect(midway.objects).toBeGreaterThanOrEqual(3);

    // A store that is not atomic (s3rver itself is not) can keep half an object from a killed
    // upload (the kill above may have left one too): plant one, and the resumed push must
    // replace every such object rather than count it as there.
    const last = files['big/0-large3.bin']!;
    const oid = createHash('md5').update(last).digest('hex');
    const planted = `killed/files/md5/${oid.slice(0, 2)}/${oid.slice(2)}`;
    await putRaw(planted, last.slice(0, 1000));
    const partial = (await verifyRemote('killed')).bad;
    expect(partial).toContain(planted);
    expect(partial.length).toBeLessThanOrEqual(1 + 2); // the planted one, and at most the 2 jobs in flight

    const resumed = await run(repo, 'data', 'push', '--json');
    expect(resumed.code).toBe(0);
    const doc = JSON.parse(resumed.stdout) as { remotes: { uploaded: number; present: number }[] };
    expect(doc.remotes[0]!.uploaded + doc.remotes[0]!.present).toBe(125);
    expect(doc.remotes[0]!.uploaded).toBeLessThan(125);
    expect(await verifyRemote('killed')).toEqual({ objects: 125, bad: [] });
    expect(JSON.parse((await run(repo, 'data', 'status', '-c', '--json')).stdout)).toMatchObject({
      clean: true,
    });
  });
});
