import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { execute } from '../../src/cli/main.ts';
import { captureIo } from '../support/io.ts';
import { gitIn, gitRepo, projectRoot, tempDir, writeFiles } from '../support/temp.ts';

async function run(cwd: string, ...args: string[]) {
  const io = captureIo(cwd);
  const outcome = await execute(args, io);
  return { code: outcome.exitCode, stdout: io.out(), stderr: io.err() };
}

function json(stdout: string): unknown {
  return JSON.parse(stdout);
}

describe('gitops-ml data, as a user runs it', () => {
  it('adds, reports status, pushes, pulls and checks out through a directory remote', async () => {
    const backup = tempDir();
    const repo = gitRepo({
      'gitops-ml.yaml': `remotes:\n  backup: {url: ${backup}}\ndefaults: {remote: backup}\n`,
    });
    writeFiles(repo, {
      'data/raw.csv': 'id,species\n1,Adelie\n',
      'data/images/a.png': 'png-a',
      'data/images/b.png': 'png-b',
    });
    const added = await run(repo, 'data', 'add', 'data/raw.csv', 'data/images', '--json');
    expect(added.code).toBe(0);
    expect(json(added.stdout)).toEqual({
      added: [
        {
          path: 'data/raw.csv',
          dvcfile: 'data/raw.csv.dvc',
          md5: 'daf910479ce474c8c5c191c1fd2cb283',
          size: 20,
          changed: true,
          gitignore: 'data/.gitignore',
        },
        {
          path: 'data/images',
          dvcfile: 'data/images.dvc',
          md5: expect.stringMatching(/\.dir$/) as unknown,
          size: 10,
          nfiles: 2,
          changed: true,
          gitignore: 'data/.gitignore',
        },
      ],
    });
    expect(readFileSync(join(repo, 'data/.gitignore'), 'utf8')).toBe('/raw.csv\n/images\n');
    expect(readFileSync(join(repo, '.dvc/.gitignore'), 'utf8')).toBe(
      '/config.local\n/tmp\n/cache\n',
    );
    expect(
      gitIn(repo, 'status', '--porcelain', '--untracked-files=all')
        .split('\n')
        .filter(Boolean)
        .sort(),
    ).toEqual([
      '?? .dvc/.gitignore',
      '?? .dvc/config',
      '?? data/.gitignore',
      '?? data/images.dvc',
      '?? data/raw.csv.dvc',
    ]);

    const clean = await run(repo, 'data', 'status', '-c', '--json');
    expect(json(clean.stdout)).toMatchObject({
      clean: false,
      remotes: ['backup'],
      paths: [
        {
          path: 'data/images',
          workspace: 'unchanged',
          cache: 'present',
          remote: 'missing',
          states: ['missing from remote'],
        },
        {
          path: 'data/raw.csv',
          workspace: 'unchanged',
          cache: 'present',
          remote: 'missing',
          states: ['missing from remote'],
        },
      ],
    });
    const pushed = await run(repo, 'data', 'push', '--json');
    expect(pushed.code).toBe(0);
    expect(json(pushed.stdout)).toEqual({
      remotes: [{ remote: 'backup', uploaded: 4, present: 0, missing: [], failed: [] }],
    });
    expect((await run(repo, 'data', 'push')).stderr).toBe(
      '0 objects pushed to backup, 4 already there\n',
    );

    // A fresh clone has pointers but no data: status says so, pull brings it back.
    gitIn(repo, 'add', '-A');
    gitIn(repo, 'commit', '-qm', 'track data');
    const clone = join(tempDir(), 'clone');
    gitIn(projectRoot, 'clone', '-q', repo, clone);
    const missing = await run(clone, 'data', 'status', '--json');
    expect(json(missing.stdout)).toMatchObject({
      paths: [
        {
          path: 'data/images',
          workspace: 'missing',
          cache: 'missing',
          states: ['missing from workspace', 'missing from cache'],
        },
        {
          path: 'data/raw.csv',
          workspace: 'missing',
          cache: 'missing',
          states: ['missing from workspace', 'missing from cache'],
        },
      ],
    });
    const pulled = await run(clone, 'data', 'pull');
    expect(pulled.code).toBe(0);
    expect(pulled.stderr).toBe(
      '4 objects fetched from backup, 0 already cached\n3 files checked out\n',
    );
    expect(readFileSync(join(clone, 'data/images/b.png'), 'utf8')).toBe('png-b');
    expect((await run(clone, 'data', 'status')).stderr).toBe(
      '✓ 2 tracked path(s) up to date in workspace and cache\n',
    );

    // Modified data is reported; checkout refuses to drop it without --force, then restores.
    writeFileSync(join(clone, 'data/new.csv'), 'x');
    rmSync(join(clone, 'data/raw.csv'));
    writeFileSync(join(clone, 'data/raw.csv'), 'edited\n');
    const modified = await run(clone, 'data', 'status', 'data/raw.csv');
    expect(modified.stderr).toBe('  modified:              data/raw.csv (data/raw.csv.dvc)\n');
    const refused = await run(clone, 'data', 'checkout', 'data/raw.csv');
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(
      'error: data/raw.csv: checkout would overwrite or delete data that is not in the cache: data/raw.csv',
    );
    expect((await run(clone, 'data', 'checkout', '--force', 'data/raw.csv')).code).toBe(0);
    expect(readFileSync(join(clone, 'data/raw.csv'), 'utf8')).toBe('id,species\n1,Adelie\n');
  });

  it('hashes as DVC does and prints md5 or md5.dir', async () => {
    const repo = gitRepo({ foo: 'foo', 'dir/foo': 'foo', 'dir/bar': 'bar' });
    const r = await run(repo, 'data', 'hash', 'foo', 'dir', '--json');
    expect(json(r.stdout)).toEqual({
      hashes: [
        { path: 'foo', md5: 'acbd18db4cc2f85cedef654fccc4a4d8', size: 3 },
        { path: 'dir', md5: '5ea40360f5b4ec688df672a4db9c17d1.dir', size: 6, nfiles: 2 },
      ],
    });
    expect((await run(join(repo, 'dir'), 'data', 'hash', 'foo')).stderr).toBe(
      'acbd18db4cc2f85cedef654fccc4a4d8  dir/foo\n',
    );
    // Not a DVC repository: no state files left behind.
    expect(existsSync(join(repo, '.dvc'))).toBe(false);
  });

  it('works on a repository DVC set up: remotes and default from .dvc/config, legacy DVC 2 pointers', async () => {
    const store = tempDir();
    const repo = gitRepo({
      '.dvc/config': `[core]\n    remote = storage\n['remote "storage"']\n    url = ${store}\n`,
      // DVC 2 pointer (no `hash: md5`): the md5 is md5-dos2unix, "a\r\nb\r\n" hashes as "a\nb\n".
      'text.csv.dvc':
        'outs:\n- md5: dd8c6a395b5dd36c56d23275028f526c\n  size: 6\n  path: text.csv\n',
    });
    writeFiles(repo, { 'text.csv': 'a\r\nb\r\n' });
    const status = await run(repo, 'data', 'status', '--json');
    expect(json(status.stdout)).toMatchObject({
      paths: [{ path: 'text.csv', workspace: 'unchanged', cache: 'missing' }],
    });
    const add = await run(repo, 'data', 'add', 'text.csv', '--json');
    expect(json(add.stdout)).toMatchObject({ added: [{ path: 'text.csv', changed: false }] });
    expect(readFileSync(join(repo, 'text.csv.dvc'), 'utf8')).toBe(
      'outs:\n- md5: dd8c6a395b5dd36c56d23275028f526c\n  size: 6\n  path: text.csv\n',
    );
    writeFileSync(join(repo, 'text.csv'), 'a\r\nb\r\nc\r\n');
    await run(repo, 'data', 'add', 'text.csv');
    expect(readFileSync(join(repo, 'text.csv.dvc'), 'utf8')).toBe(
      'outs:\n- md5: 8c8f2ff0bac61ccfb16c5bfc3a9b5c6a\n  size: 9\n  path: text.csv\n  hash: md5\n',
    );
    expect((await run(repo, 'data', 'push', '--json')).code).toBe(0);
    expect(readdirSync(join(store, 'files/md5'))).toHaveLength(1);
  });
});

describe('data add and .gitignore', () => {
  it('lists in .gitignore only the paths git does not ignore already', async () => {
    const repo = gitRepo({ '.gitignore': '/ignored.csv\n' });
    writeFiles(repo, { 'ignored.csv': 'i\n', 'kept.csv': 'k\n', 'd/e.csv': 'e\n' });
    const added = await run(repo, 'data', 'add', 'ignored.csv', 'kept.csv', 'd/e.csv', '--json');
    expect(added.code).toBe(0);
    expect(
      (json(added.stdout) as { added: { gitignore: string | null }[] }).added.map(
        (a) => a.gitignore,
      ),
    ).toEqual([null, '.gitignore', 'd/.gitignore']);
    expect(readFileSync(join(repo, '.gitignore'), 'utf8')).toBe('/ignored.csv\n/kept.csv\n');
    expect(readFileSync(join(repo, 'd/.gitignore'), 'utf8')).toBe('/e.csv\n');
  });
});

describe('bad input: a clear error, exit 2, nothing written', () => {
  function untouched(repo: string): void {
    expect(existsSync(join(repo, '.dvc'))).toBe(false);
    expect(readdirSync(repo).filter((f) => f.endsWith('.dvc') || f === '.gitignore')).toEqual([]);
  }

  it('data git already tracks', async () => {
    const repo = gitRepo({ 'data.csv': 'a,b\n' });
    const r = await run(repo, 'data', 'add', 'data.csv');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      'error: data.csv: is tracked by git\nhint: stop tracking it in git first',
    );
    untouched(repo);
    // Among several paths, the one holding files git tracks is named, and nothing is added.
    writeFiles(repo, { 'new.csv': 'x\n', 'other/a.csv': 'a\n' });
    gitIn(repo, 'add', 'other/a.csv');
    const several = await run(repo, 'data', 'add', 'new.csv', 'other');
    expect(several.code).toBe(2);
    expect(several.stderr).toContain('error: other: is tracked by git');
    untouched(repo);
  });

  it('a missing path, a path outside the repository', async () => {
    const repo = gitRepo({ 'README.md': '# data\n' });
    writeFiles(repo, { keep: 'x' });
    const missing = await run(repo, 'data', 'add', 'keep', 'nope.csv');
    expect(missing).toMatchObject({ code: 2, stdout: '' });
    expect(missing.stderr).toMatch(/^error: nope.csv: no such file or directory\nhint: /);
    const outside = await run(repo, 'data', 'add', '../elsewhere', '--json');
    expect(outside.code).toBe(2);
    expect(json(outside.stdout)).toMatchObject({ error: { kind: 'InputError', exitCode: 2 } });
    expect(outside.stderr).toContain('is outside the repository');
    untouched(repo);
  });

  it('a symlink loop inside a directory', async () => {
    const repo = gitRepo({ 'README.md': '# data\n' });
    writeFiles(repo, { 'd/ok': 'ok' });
    symlinkSync('b', join(repo, 'd/a'));
    symlinkSync('a', join(repo, 'd/b'));
    const r = await run(repo, 'data', 'add', 'd');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: d\/[ab]: symbolic link loop\n/);
    expect(r.stderr).not.toMatch(/^\s+at /m);
    untouched(repo);
  });

  it('a .dvc file whose output would be written outside the repository', async () => {
    const repo = gitRepo({
      'evil.dvc':
        'outs:\n- md5: acbd18db4cc2f85cedef654fccc4a4d8\n  size: 3\n  hash: md5\n  path: ../../outside\n',
    });
    const r = await run(repo, 'data', 'checkout');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('error: evil.dvc: output "../../outside" is outside the repository');
  });

  it('a .dvc file with a bad schema, reported at file:line:col', async () => {
    const repo = gitRepo({
      'x.dvc': 'outs:\n- md5: acbd18db4cc2f85cedef654fccc4a4d8\n  sizee: 3\n  path: x\n',
    });
    const r = await run(repo, 'data', 'status');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('x.dvc:3:3: error: unknown key "sizee" (did you mean "size"?)');
    expect(existsSync(join(repo, '.dvc'))).toBe(false);
  });

  it('permission denied (run as an unprivileged user when the tests run as root)', () => {
    const repo = gitRepo({ 'README.md': '# data\n' });
    writeFiles(repo, { 'd/open': 'open', 'd/secret': 'secret' });
    chmodSync(join(repo, 'd/secret'), 0o600);
    const asRoot = process.getuid?.() === 0;
    if (asRoot) {
      // The unprivileged user must reach the repository but may not read the file.
      for (let dir = repo; dir !== '/'; dir = join(dir, '..')) chmodSync(dir, 0o755);
      chmodSync(join(repo, 'd'), 0o777);
    } else {
      chmodSync(join(repo, 'd/secret'), 0o000);
    }
    const r = spawnSync(
      process.execPath,
      [join(projectRoot, 'bin/gitops-ml.js'), 'data', 'add', 'd'],
      {
        cwd: repo,
        encoding: 'utf8',
        env: { PATH: process.env.PATH, HOME: '/tmp' },
        ...(asRoot ? { uid: 65534, gid: 65534 } : {}),
      },
    );
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('error: d/secret: permission denied (cannot read it)');
    expect(existsSync(join(repo, '.dvc'))).toBe(false);
    expect(existsSync(join(repo, 'd.dvc'))).toBe(false);
  });

  it('no remote configured, and an unknown remote', async () => {
    const repo = gitRepo({ 'README.md': '# data\n' });
    writeFiles(repo, { foo: 'foo' });
    expect((await run(repo, 'data', 'add', 'foo')).code).toBe(0);
    const none = await run(repo, 'data', 'push');
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('error: no remote given and no default remote configured');
    writeFiles(repo, { 'gitops-ml.yaml': 'remotes:\n  a: {url: /tmp/a}\n' });
    const unknown = await run(repo, 'data', 'push', '-r', 'b');
    expect(unknown.stderr).toBe('error: unknown remote "b"\nhint: configured remotes: a\n');
  });
});
