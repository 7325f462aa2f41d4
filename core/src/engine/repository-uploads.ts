import type { UploadSessions } from '@artifactapi/plugin-sdk';
import { AapiError } from '../errors.js';
import type { RepoRuntime } from './repo-runtime.js';
import type { RepositoryService } from './repository-service.js';
import { storedObject } from './stored-object.js';

/**
 * The SDK's `UploadSessions` by repository name, over the engine's UploadStore: only local
 * repositories whose type declares `hosted.uploadSessions` take them.
 */
export function repositoryUploads(service: RepositoryService): UploadSessions {
  // Read per call: this runs while the service is still being constructed.
  const store = () => service.engine.uploads;
  const local = (name: string): RepoRuntime => {
    const repo = service.local(name, 'upload session');
    if (!repo.plugin.hosted.uploadSessions) {
      throw new AapiError('AAPI_ERR_METHOD_NOT_ALLOWED', `upload session on ${name}: package type ${repo.plugin.type} does not take upload sessions`);
    }
    return repo;
  };
  return {
    start: async (repo) => store().begin(local(repo)),
    status: async (repo, id) => store().status(local(repo), id),
    append: async (repo, id, body, options) => store().append(local(repo), id, body, options),
    commit: async (repo, id, path, options) => storedObject(await store().commit(local(repo), id, path, options)),
    cancel: async (repo, id) => store().cancel(local(repo), id),
  };
}
