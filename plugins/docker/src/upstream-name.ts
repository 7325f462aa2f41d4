/**
 * The image name as the upstream knows it. Docker Hub keeps official images under `library/`;
 * containerd and dockerd add that prefix before calling a mirror, but a client pulling
 * `HOST/{repo}/nginx` directly does not, so one-component names get it here. Both spellings then
 * share one cache entry, because the canonical name is the one used as the key.
 */

/** Hosts that serve Docker Hub's registry API (containerd maps `docker.io` to the first). */
const DOCKER_HUB_HOSTS = new Set(['registry-1.docker.io', 'docker.io', 'index.docker.io', 'registry.hub.docker.com']);

/** Per base URL: a repository's is asked on every request, and parsing a URL each time showed in profiles. */
const hubByBaseUrl = new Map<string, boolean>();
const HUB_CACHE_LIMIT = 1024;

/** True when `baseUrl` is Docker Hub's registry. */
export function isDockerHub(baseUrl: string): boolean {
  let hub = hubByBaseUrl.get(baseUrl);
  if (hub === undefined) {
    try {
      hub = DOCKER_HUB_HOSTS.has(new URL(baseUrl).hostname.toLowerCase());
    } catch {
      hub = false;
    }
    if (hubByBaseUrl.size >= HUB_CACHE_LIMIT) hubByBaseUrl.clear();
    hubByBaseUrl.set(baseUrl, hub);
  }
  return hub;
}

/** `nginx` → `library/nginx` for Docker Hub; every other name, and every other upstream, unchanged. */
export function canonicalImageName(image: string, baseUrl: string | undefined): string {
  if (baseUrl === undefined || image.includes('/') || !isDockerHub(baseUrl)) return image;
  return `library/${image}`;
}

/**
 * The registry containerd names in `?ns=` when the host it calls is a mirror (`ns=docker.io`),
 * lower-cased; undefined when absent or not a host name. Under `/v2/{repo}` the repository
 * already names the upstream, so this is for logs and never a reason to refuse a request.
 */
export function namespaceOf(query: URLSearchParams | string): string | undefined {
  const params = typeof query === 'string' ? new URLSearchParams(query) : query;
  const ns = params.get('ns')?.trim().toLowerCase();
  if (!ns || !/^[a-z0-9.-]+(?::[0-9]{1,5})?$/.test(ns)) return undefined;
  return ns;
}

/** Whether `ns` names the registry `baseUrl` points at (Docker Hub under any of its host names). */
export function namespaceMatches(ns: string, baseUrl: string): boolean {
  if (ns === 'docker.io' || DOCKER_HUB_HOSTS.has(ns)) return isDockerHub(baseUrl);
  try {
    return new URL(baseUrl).host.toLowerCase() === ns;
  } catch {
    return false;
  }
}
