import { InputError } from '../../errors.ts';
import type { RemoteConfig } from '../config.ts';
import { LocalRemote } from './local.ts';
import type { RemoteStore } from './store.ts';

/**
 * The store for a configured remote. The S3 client is loaded only when an S3 remote is used.
 * `env` is where credentials come from (AWS_ACCESS_KEY_ID…), with the SDK's default chain
 * (profiles, instance roles) behind it.
 */
export async function openRemote(
  remote: RemoteConfig,
  env: Readonly<Record<string, string | undefined>>,
): Promise<RemoteStore> {
  if (remote.url.startsWith('s3://')) {
    const { S3Remote } = await import('./s3.ts');
    return new S3Remote({
      name: remote.name,
      url: remote.url,
      env,
      ...(remote.endpoint === undefined ? {} : { endpoint: remote.endpoint }),
      ...(remote.region === undefined ? {} : { region: remote.region }),
      ...(remote.profile === undefined ? {} : { profile: remote.profile }),
    });
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(remote.url)) {
    throw new InputError(
      `remote "${remote.name}": ${remote.url.split('://')[0]}:// remotes are not supported`,
      {
        hint: 'use an s3:// URL (any S3-compatible store via "endpoint") or a directory',
      },
    );
  }
  return new LocalRemote(remote.name, remote.url);
}
