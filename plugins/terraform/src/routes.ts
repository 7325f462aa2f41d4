import { isEngineError, type PluginReply, type PluginRequest, type RepositoryRef, type RouteScope, type RoutesContext } from '@artifactapi/plugin-sdk';
import { parseRegistryPath } from './classify.js';
import { notFound, sendDocument, TerraformError } from './http-reply.js';
import { keySourceFromEnv, SigningKeys } from './key-store.js';
import { LocalRegistry } from './local-registry.js';
import { providerProtocols } from './protocols.js';
import { parseMirrorPath, RemoteMirror } from './remote-mirror.js';

const PREFIX = '/api/v1/remote/';
/** Where local repositories serve the provider registry protocol: `/terraform/{repo}/v1/providers/`. */
export const REGISTRY_PREFIX = '/terraform/';
const JSON_TYPE = 'application/json';
/** The local repository announced at the host root, for provider addresses `HOST/{ns}/{type}`. */
export const DEFAULT_REGISTRY_REPOSITORY = 'terraform-local';

/**
 * The terraform protocol surface the core's repository routes cannot give by themselves:
 * - `/.well-known/terraform.json` at the host root (service discovery of the local registry
 *   named by `TF_REGISTRY_REPOSITORY`, default `terraform-local`), and `{base}/.well-known/terraform.json`;
 * - `/terraform/{repo}/v1/providers/…` of a local repository, derived from its uploads and signed
 *   (archives themselves stay at `{base}/{ns}/{type}/{file}`, served by the core);
 * - `{base}/mirror/…` of a remote repository (the provider network mirror protocol).
 * A remote's registry protocol (`{base}/v1/providers/…`) is the core's repository route.
 */
export function mountTerraform(scope: RouteScope, ctx: RoutesContext): void {
  const env = process.env;
  const protocols = providerProtocols(env);
  const registryRepo = env.TF_REGISTRY_REPOSITORY || DEFAULT_REGISTRY_REPOSITORY;
  const keys = new SigningKeys(ctx.engine, keySourceFromEnv(env));
  const local = new LocalRegistry(ctx.engine, protocols);
  const mirror = new RemoteMirror(ctx.engine);
  const publicBase = (request: PluginRequest, repo: string) => `${ctx.publicOrigin(request)}${PREFIX}${encodeURIComponent(repo)}`;
  const registryBase = (request: PluginRequest, repo: string) => `${ctx.publicOrigin(request)}${REGISTRY_PREFIX}${encodeURIComponent(repo)}`;

  scope.setErrorHandler((error, request, reply) => sendError(error, request, reply, ctx));

  scope.route({
    method: ['GET', 'HEAD'],
    url: '/.well-known/terraform.json',
    handler: async (request, reply) => {
      const repo = ctx.engine.resolve(registryRepo);
      if (!repo || repo.package !== 'terraform') throw notFound(`no terraform repository named ${registryRepo} (set TF_REGISTRY_REPOSITORY)`);
      await sendDocument(request, reply, discovery(repo.kind === 'local' ? registryBase(request, registryRepo) : publicBase(request, registryRepo)), JSON_TYPE);
    },
  });

  // Under the core's repository URLs, only these two shapes; for other types they are answered as
  // the core's route would. The remote's registry protocol (v1/providers/…) stays with the core.
  const repositoryHandler = async (request: PluginRequest, reply: PluginReply): Promise<void> => {
    const { repo: name, path } = splitUrl(request.url);
    const repo = ctx.engine.resolve(name);
    if (!repo) throw new TerraformError('AAPI_ERR_REPO_NOT_FOUND', 404, name);
    const base = publicBase(request, name);
    if (repo.package === 'terraform' && repo.kind !== 'virtual') {
      if (path === '.well-known/terraform.json') return sendDocument(request, reply, discovery(repo.kind === 'local' ? registryBase(request, name) : base), JSON_TYPE);
      if (repo.kind === 'remote' && path.startsWith('mirror/')) return serveMirror(repo, path.slice('mirror/'.length), base, request, reply);
    }
    const served = await ctx.engine.get(name, path, { headers: flatHeaders(request), publicBase: base });
    await ctx.engine.send(request, reply, served, { fileName: decodeURIComponent(path.slice(path.lastIndexOf('/') + 1)) });
  };
  for (const url of ['.well-known/terraform.json', 'mirror/*']) {
    scope.route({ method: ['GET', 'HEAD'], url: `${PREFIX}:repo/${url}`, handler: repositoryHandler });
  }

  // A local repository's registry protocol, on the plugin's own URLs: /terraform/{repo}/v1/providers/….
  scope.route({
    method: ['GET', 'HEAD'],
    url: `${REGISTRY_PREFIX}:repo/v1/providers/*`,
    handler: async (request, reply) => {
      const name = request.params.repo ?? '';
      const repo = ctx.engine.resolve(name);
      if (!repo || repo.package !== 'terraform' || repo.kind !== 'local') throw notFound(`no local terraform repository named ${name}`);
      await ctx.requireAccess(request, name, 'read');
      const at = parseRegistryPath(`v1/providers/${request.params['*'] ?? ''}`.split('?', 1)[0]!);
      if (!at) throw notFound(`not a provider registry path: ${request.url}`);
      await serveLocal(repo, at, { publicBase: publicBase(request, name), registryBase: registryBase(request, name) }, request, reply);
    },
  });

  async function serveMirror(repo: RepositoryRef, rest: string, base: string, request: PluginRequest, reply: PluginReply): Promise<void> {
    const at = parseMirrorPath(rest);
    if (!at) throw notFound(`not a network mirror path: mirror/${rest}`);
    const { doc, origin } = at.kind === 'index' ? await mirror.index(repo, at, base) : await mirror.version(repo, at, base);
    await sendDocument(request, reply, JSON.stringify(doc), JSON_TYPE, origin);
  }

  async function serveLocal(repo: RepositoryRef, at: NonNullable<ReturnType<typeof parseRegistryPath>>, bases: { publicBase: string; registryBase: string }, request: PluginRequest, reply: PluginReply): Promise<void> {
    switch (at.kind) {
      case 'versions':
        return sendDocument(request, reply, JSON.stringify(await local.versions(repo.name, at)), JSON_TYPE);
      case 'download':
        return sendDocument(request, reply, JSON.stringify(await local.download(repo.name, at, bases, await keys.forRepo(repo.name))), JSON_TYPE);
      case 'shasums':
        return sendDocument(request, reply, (await local.shasums(repo.name, at)).body, 'text/plain; charset=utf-8');
      case 'signature':
        return sendDocument(request, reply, await local.signature(repo.name, at, await keys.forRepo(repo.name)), 'application/octet-stream');
    }
  }
}

/** Service discovery: where the provider registry protocol of a repository lives. */
function discovery(base: string): string {
  return JSON.stringify({ 'providers.v1': `${base}/v1/providers/` });
}

/**
 * The repository name and path of `/api/v1/remote/{repo}/{path}` as sent (percent-encoding kept),
 * refusing what the core refuses: traversal, empty segments, control characters, backslashes.
 */
export function splitUrl(url: string): { repo: string; path: string } {
  const pathname = url.split('?', 1)[0]!.slice(PREFIX.length);
  const slash = pathname.indexOf('/');
  const repo = decodeURIComponent(pathname.slice(0, slash));
  const path = pathname.slice(slash + 1);
  const segments = path.split('/');
  segments.forEach((segment, i) => {
    let decoded: string;
    try {
      decoded = decodeURIComponent(segment);
    } catch {
      throw new TerraformError('AAPI_ERR_PATH_INVALID', 400, 'malformed percent-encoding');
    }
    // eslint-disable-next-line no-control-regex -- control characters are exactly what is refused here
    if (decoded === '.' || decoded === '..' || (decoded === '' && i !== segments.length - 1) || /[\u0000-\u001f\u007f\\]/.test(decoded) || /(^|\/)\.{1,2}(\/|$)/.test(decoded)) {
      throw new TerraformError('AAPI_ERR_PATH_INVALID', 400, 'path traversal, empty segment or control character');
    }
  });
  return { repo, path };
}

function flatHeaders(request: PluginRequest): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(request.headers)) out[name] = Array.isArray(value) ? value.join(', ') : value;
  return out;
}

async function sendError(error: unknown, request: PluginRequest, reply: PluginReply, ctx: RoutesContext): Promise<void> {
  let code = 'AAPI_ERR_INTERNAL';
  let status = 500;
  let message = 'internal error';
  if (error instanceof TerraformError) {
    ({ code, status, message } = error);
  } else if (isEngineError(error)) {
    ({ code, status, message } = error);
    for (const [name, value] of Object.entries(error.headers)) reply.header(name, value);
  } else if (typeof (error as { statusCode?: unknown }).statusCode === 'number' && (error as { statusCode: number }).statusCode < 500) {
    status = (error as { statusCode: number }).statusCode;
    code = status === 404 ? 'AAPI_ERR_NOT_FOUND' : 'AAPI_ERR_REQUEST_INVALID';
    message = (error as Error).message;
  } else if (error instanceof SyntaxError) {
    code = 'AAPI_ERR_UPSTREAM_DOCUMENT';
    status = 502;
    message = error.message;
  }
  if (status >= 500) ctx.log.error({ err: error, url: request.url, code }, message);
  if (reply.sent) return;
  reply.status(status).header('content-type', 'application/json');
  await reply.send(JSON.stringify({ error: { code, message } }));
}
