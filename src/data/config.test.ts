import { describe, expect, it } from 'vitest';
import { tempDir, writeFiles } from '../../test/support/temp.ts';
import { loadDataConfig, selectRemote } from './config.ts';
import { parseDvcConfig } from './dvc-config.ts';

describe('data settings', () => {
  it('read remotes, the default remote and the cache from .dvc/config as configobj writes it', () => {
    const config = parseDvcConfig(
      `[core]\n    remote = storage\n    autostage = true\n['remote "storage"']\n    url = s3://bucket/path\n    endpointurl = http://127.0.0.1:9000\n    access_key_id = ignored\n[remote "backup"]\n    url = ../../backup  # a comment\n[cache]\n    type = "reflink,copy"\n    dir = ../shared-cache\n`,
    );
    expect(config).toEqual({
      defaultRemote: 'storage',
      remotes: {
        storage: { url: 's3://bucket/path', endpointurl: 'http://127.0.0.1:9000' },
        backup: { url: '../../backup' },
      },
      cacheType: ['reflink', 'copy'],
      cacheDir: '../shared-cache',
    });
  });

  it('take gitops-ml.yaml over .dvc/config, resolving relative paths as each tool does', async () => {
    const root = tempDir();
    writeFiles(root, {
      '.dvc/config': `[core]\n    remote = old\n['remote "old"']\n    url = ../store\n['remote "shared"']\n    url = s3://dvc-bucket/x\n[cache]\n    dir = ../cache-elsewhere\n    type = copy\n`,
      '.dvc/config.local': `['remote "old"']\n    region = eu-west-1\n`,
      'gitops-ml.yaml':
        'remotes:\n  shared: {url: s3://ours/prefix, endpoint: "http://127.0.0.1:9000", jobs: 4}\n  local: {url: backups}\ndefaults: {remote: shared}\n',
    });
    const config = await loadDataConfig(root);
    expect(config.defaultRemote).toBe('shared');
    expect(config.cacheDir).toBe(`${root}/cache-elsewhere`);
    expect(config.linkTypes).toEqual(['copy']);
    expect(selectRemote(config, undefined)).toEqual({
      name: 'shared',
      url: 's3://ours/prefix',
      endpoint: 'http://127.0.0.1:9000',
      jobs: 4,
      from: 'gitops-ml.yaml',
    });
    expect(selectRemote(config, 'old')).toEqual({
      name: 'old',
      url: `${root}/store`,
      region: 'eu-west-1',
      from: '.dvc/config',
    });
    expect(selectRemote(config, 'local').url).toBe(`${root}/backups`);
    expect(() => selectRemote(config, 'nope')).toThrow('unknown remote "nope"');
  });

  it('default to .dvc/cache and reflink, hardlink, copy', async () => {
    const root = tempDir();
    const config = await loadDataConfig(root);
    expect(config.cacheDir).toBe(`${root}/.dvc/cache`);
    expect(config.linkTypes).toEqual(['reflink', 'hardlink', 'copy']);
    expect(() => selectRemote(config, undefined)).toThrow(
      'no remote given and no default remote configured',
    );
  });
});
