/**
 * Copy-paste client set-up for a repository, made from the URL the server gives it (so it carries
 * the real host, port, scheme and public_url) and its name. One list of snippets per package type;
 * the commands are those of README.md and the plugins' READMEs.
 */
export interface Snippet {
  /** The client, e.g. "pnpm". */
  client: string;
  /** Where it goes: a file path, or undefined for a shell command. */
  file?: string;
  code: string;
}

export interface SetupTarget {
  name: string;
  package: string;
  kind: 'remote' | 'local' | 'virtual';
  /** The repository's URL with a trailing slash, e.g. http://host:8000/api/v1/remote/npmjs/ */
  url: string;
  /** The upstream base URL of a remote (docker: which registry it mirrors). */
  baseUrl?: string;
}

export function clientSetup(target: SetupTarget): Snippet[] {
  const url = target.url.endsWith('/') ? target.url : `${target.url}/`;
  const bare = url.slice(0, -1);
  const origin = new URL(url);
  const host = origin.host;
  const plainHttp = origin.protocol === 'http:';
  const loopback = ['localhost', '127.0.0.1', '[::1]'].includes(origin.hostname);
  switch (target.package) {
    case 'npm':
      return npm(url, host, plainHttp, target.kind === 'local');
    case 'pypi':
      return pypi(url, origin.hostname, plainHttp && !loopback);
    case 'docker':
      return docker(target, host, plainHttp);
    case 'helm':
      return helm(target.name, bare);
    case 'rpm':
      return rpm(target.name, url);
    case 'alpine':
      return alpine(url);
    case 'goproxy':
      return goproxy(bare);
    case 'puppet':
      return puppet(bare);
    case 'terraform':
      return terraform(url, host, plainHttp, target.kind === 'local');
    default:
      return generic(url, target.kind === 'local');
  }
}

function npm(url: string, host: string, plainHttp: boolean, local: boolean): Snippet[] {
  const auth = `//${url.replace(/^https?:\/\//, '')}:_authToken=\${ADMIN_TOKEN}`;
  const snippets: Snippet[] = [
    { client: 'npm', code: `npm config set registry ${url}\n# or once: npm install --registry=${url} <package>` },
    { client: 'npm / pnpm', file: '.npmrc', code: `registry=${url}${local ? `\n${auth}` : ''}` },
    { client: 'pnpm', code: `pnpm install --registry ${url}` },
    { client: 'yarn 1', code: `yarn config set registry ${url}` },
    {
      client: 'yarn 2+',
      file: '.yarnrc.yml',
      code: `npmRegistryServer: "${url}"${plainHttp ? `\nunsafeHttpWhitelist:\n  - "${host.replace(/:\d+$/, '')}"` : ''}`,
    },
  ];
  if (local) snippets.push({ client: 'npm publish', code: `npm publish --registry ${url}   # with ${auth.split(':')[1]} in .npmrc` });
  return snippets;
}

function pypi(url: string, hostname: string, needsTrust: boolean): Snippet[] {
  const simple = `${url}simple/`;
  const trust = needsTrust ? ` --trusted-host ${hostname}` : '';
  return [
    { client: 'pip', code: `pip install --index-url ${simple}${trust} <package>` },
    { client: 'pip', file: 'pip.conf', code: `[global]\nindex-url = ${simple}${needsTrust ? `\ntrusted-host = ${hostname}` : ''}` },
    { client: 'uv', code: `uv pip install --index-url ${simple}${needsTrust ? ` --allow-insecure-host ${hostname}` : ''} <package>` },
    { client: 'uv', file: 'pyproject.toml', code: `[[tool.uv.index]]\nname = "artifactapi"\nurl = "${simple}"\ndefault = true` },
    { client: 'poetry', code: `poetry source add --priority=primary artifactapi ${simple}` },
  ];
}

/** The registry a docker remote mirrors, as clients name it (Docker Hub is "docker.io"). */
function mirroredRegistry(baseUrl: string | undefined): string {
  if (!baseUrl) return 'docker.io';
  try {
    const host = new URL(baseUrl).host;
    return host === 'registry-1.docker.io' || host === 'index.docker.io' ? 'docker.io' : host;
  } catch {
    return 'docker.io';
  }
}

function docker(target: SetupTarget, host: string, plainHttp: boolean): Snippet[] {
  const scheme = plainHttp ? 'http' : 'https';
  const image = target.kind === 'local' ? 'team/app:1.0' : mirroredRegistry(target.baseUrl) === 'docker.io' ? 'library/alpine:3.20' : 'org/image:tag';
  const reference = `${host}/${target.name}/${image}`;
  const snippets: Snippet[] = [];
  if (plainHttp) snippets.push({ client: 'docker', file: '/etc/docker/daemon.json', code: `{ "insecure-registries": ["${host}"] }` });
  if (target.kind === 'local') {
    snippets.push({ client: 'docker', code: `docker login ${host} -u any -p "$ADMIN_TOKEN"\ndocker tag app:1.0 ${reference}\ndocker push ${reference}` });
    snippets.push({ client: 'podman', code: `podman push${plainHttp ? ' --tls-verify=false' : ''} --creds any:"$ADMIN_TOKEN" app:1.0 ${reference}` });
    return snippets;
  }
  const registry = mirroredRegistry(target.baseUrl);
  const mirror = `${scheme}://${host}/v2/${target.name}`;
  snippets.push({ client: 'docker', code: `docker pull ${reference}` });
  snippets.push({
    client: 'containerd',
    file: `/etc/containerd/certs.d/${registry}/hosts.toml`,
    code: `server = "https://${registry === 'docker.io' ? 'registry-1.docker.io' : registry}"\n\n[host."${mirror}"]\n  capabilities = ["pull", "resolve"]\n  override_path = true`,
  });
  snippets.push({ client: 'k3s / RKE2', file: '/etc/rancher/k3s/registries.yaml', code: `mirrors:\n  ${registry}:\n    endpoint:\n      - "${mirror}"` });
  snippets.push({
    client: 'podman',
    file: '/etc/containers/registries.conf.d/artifactapi.conf',
    code: `[[registry]]\nprefix = "${registry}"\nlocation = "${registry === 'docker.io' ? 'registry-1.docker.io' : registry}"\n\n[[registry.mirror]]\nlocation = "${host}/${target.name}"${plainHttp ? '\ninsecure = true' : ''}`,
  });
  return snippets;
}

function helm(name: string, bare: string): Snippet[] {
  return [{ client: 'helm', code: `helm repo add ${name} ${bare}\nhelm repo update\nhelm search repo ${name}/` }];
}

function rpm(name: string, url: string): Snippet[] {
  // base_url is the mirror's root; dnf wants the directory that holds repodata/ (AlmaLinux/Rocky layout shown).
  const repo = `${url}$releasever/BaseOS/$basearch/os/`;
  return [
    { client: 'dnf', file: `/etc/yum.repos.d/${name}.repo`, code: `[${name}]\nname=${name} through ArtifactAPI\n# the path under the upstream to the directory with repodata/\nbaseurl=${repo}\nenabled=1\ngpgcheck=1` },
    { client: 'dnf', code: `dnf --disablerepo='*' --repofrompath='${name},${repo}' --enablerepo=${name} install <package>` },
  ];
}

function alpine(url: string): Snippet[] {
  return [
    { client: 'apk', file: '/etc/apk/repositories', code: `${url}v3.20/main\n${url}v3.20/community` },
    { client: 'apk', code: `apk --repositories-file /dev/null -X ${url}v3.20/main add <package>` },
  ];
}

function goproxy(bare: string): Snippet[] {
  return [
    { client: 'go', code: `go env -w GOPROXY=${bare},direct\n# or per shell: export GOPROXY=${bare}` },
  ];
}

function puppet(bare: string): Snippet[] {
  return [
    { client: 'puppet', code: `puppet module install <author>-<module> --module_repository ${bare}` },
    { client: 'puppet', file: 'puppet.conf', code: `[main]\nmodule_repository = ${bare}` },
    { client: 'r10k', file: 'Puppetfile', code: `forge "${bare}"` },
  ];
}

function terraform(url: string, host: string, plainHttp: boolean, local: boolean): Snippet[] {
  const https = plainHttp ? '\n# terraform talks to mirrors and registries over https only: put TLS in front (public_url)' : '';
  if (local) {
    return [
      { client: 'curl', code: `curl -f -T terraform-provider-widget_1.0.0_linux_amd64.zip -H "Authorization: Bearer $ADMIN_TOKEN" \\\n  ${url}acme/widget/terraform-provider-widget_1.0.0_linux_amd64.zip` },
      { client: 'terraform', file: 'main.tf', code: `terraform {\n  required_providers {\n    widget = { source = "${host}/acme/widget" }\n  }\n}${https}` },
    ];
  }
  return [
    { client: 'terraform', file: '~/.terraformrc', code: `provider_installation {\n  network_mirror {\n    url = "${url}mirror/"\n  }\n}${https}` },
  ];
}

function generic(url: string, local: boolean): Snippet[] {
  const snippets: Snippet[] = [{ client: 'curl', code: `curl -fO ${url}<path>` }];
  if (local) snippets.push({ client: 'curl', code: `curl -f -T file.tgz -H "Authorization: Bearer $ADMIN_TOKEN" ${url}<path>/file.tgz` });
  return snippets;
}
