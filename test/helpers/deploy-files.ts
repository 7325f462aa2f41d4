import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { REPO_ROOT } from './paths.js';

/** Absolute path of a file under deploy/. */
export function deployPath(relative: string): string {
  return join(REPO_ROOT, 'deploy', relative);
}

/** Text of a file under deploy/. */
export function readDeploy(relative: string): string {
  return readFileSync(deployPath(relative), 'utf8');
}

/** A compose service, as far as these tests look into it. */
export interface ComposeService {
  image?: string;
  build?: { context?: string; dockerfile?: string };
  environment?: Record<string, unknown> | string[];
  volumes?: (string | { source?: string; target?: string })[];
  depends_on?: string[] | Record<string, { condition?: string }>;
  command?: string | string[];
  entrypoint?: string | string[];
  ports?: unknown[];
}

/** deploy/docker-compose.yml with YAML merge keys applied, as compose applies them. */
export function readCompose(): { services: Record<string, ComposeService> } {
  return parse(readDeploy('docker-compose.yml'), { merge: true }) as { services: Record<string, ComposeService> };
}

/**
 * The environment a compose service sets, after compose's own `${VAR}` interpolation with
 * `hostEnv` as the shell's environment. List (`KEY=value`) and mapping forms both count.
 */
export function composeEnvironment(service: ComposeService, hostEnv: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = {};
  const entries: [string, unknown][] = Array.isArray(service.environment)
    ? service.environment.map((line) => {
        const at = line.indexOf('=');
        return at < 0 ? [line, undefined] : [line.slice(0, at), line.slice(at + 1)];
      })
    : Object.entries(service.environment ?? {});
  for (const [name, value] of entries) {
    // `KEY` alone passes the shell's value through
    env[name] = value === undefined || value === null ? (hostEnv[name] ?? '') : interpolateCompose(String(value), hostEnv);
  }
  return env;
}

/**
 * Compose-file interpolation: `$$`, `$VAR`, `${VAR}`, `${VAR:-default}`, `${VAR-default}`,
 * `${VAR:?message}` and `${VAR?message}` (which throw when the variable is missing, as
 * `docker compose` refuses to start).
 */
export function interpolateCompose(text: string, hostEnv: Record<string, string>): string {
  return text.replace(
    /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?)([-?])([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g,
    (match, name?: string, colon?: string, op?: string, arg?: string, bare?: string) => {
      if (match === '$$') return '$';
      if (bare !== undefined) return hostEnv[bare] ?? '';
      const value = hostEnv[name!];
      const missing = value === undefined || (colon === ':' && value === '');
      if (!missing) return value;
      if (op === '?') throw new Error(`compose would refuse to start: ${name} is required (${arg})`);
      return op === '-' ? (arg ?? '') : '';
    },
  );
}

/** One Kubernetes object from deploy/kubernetes/, with the file it came from. */
export interface K8sObject {
  file: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  // the rest is read through the narrow types below
  [key: string]: unknown;
}

/** Every document of every *.yaml / *.yml file under deploy/kubernetes/; throws on YAML errors. */
export function readKubernetes(): K8sObject[] {
  const dir = deployPath('kubernetes');
  const objects: K8sObject[] = [];
  for (const file of readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).sort()) {
    for (const doc of parseAllDocuments(readFileSync(join(dir, file), 'utf8'))) {
      if (doc.errors.length > 0) throw new Error(`${file}: ${doc.errors.map((e) => e.message).join('; ')}`);
      const value = doc.toJS() as K8sObject | null;
      if (value !== null) objects.push({ ...value, file });
    }
  }
  return objects;
}

export interface K8sProbe {
  httpGet?: { path?: string; port?: number | string };
}

export interface K8sContainer {
  name: string;
  image: string;
  command?: string[];
  args?: string[];
  ports?: { name?: string; containerPort: number }[];
  env?: { name: string; value?: string; valueFrom?: { secretKeyRef?: { name: string; key: string }; configMapKeyRef?: { name: string; key: string } } }[];
  envFrom?: { secretRef?: { name: string }; configMapRef?: { name: string }; prefix?: string }[];
  volumeMounts?: { name: string; mountPath: string }[];
  startupProbe?: K8sProbe;
  readinessProbe?: K8sProbe;
  livenessProbe?: K8sProbe;
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
}

export interface K8sDeployment extends K8sObject {
  spec: {
    replicas?: number;
    selector: { matchLabels: Record<string, string> };
    template: {
      metadata: { labels: Record<string, string> };
      spec: { containers: K8sContainer[]; volumes?: { name: string; configMap?: { name: string } }[] };
    };
  };
}

/** Key → value of a ConfigMap's `data` or a Secret's `stringData` / base64 `data`. */
export function objectData(object: K8sObject): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries((object['data'] ?? {}) as Record<string, string>)) {
    out[key] = object.kind === 'Secret' ? Buffer.from(value, 'base64').toString('utf8') : value;
  }
  return { ...out, ...((object['stringData'] ?? {}) as Record<string, string>) };
}

/**
 * The environment a container gets: `envFrom` sources first, then `env` entries (which win, as
 * in Kubernetes), with secretKeyRef / configMapKeyRef resolved against `objects`.
 */
export function containerEnvironment(container: K8sContainer, objects: K8sObject[]): Record<string, string> {
  const find = (kind: string, name: string): K8sObject => {
    const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
    if (found === undefined) throw new Error(`container ${container.name} refers to ${kind} ${name}, which no manifest defines`);
    return found;
  };
  const env: Record<string, string> = {};
  for (const source of container.envFrom ?? []) {
    const ref = source.secretRef ? find('Secret', source.secretRef.name) : find('ConfigMap', source.configMapRef!.name);
    for (const [key, value] of Object.entries(objectData(ref))) env[`${source.prefix ?? ''}${key}`] = value;
  }
  for (const entry of container.env ?? []) {
    const secret = entry.valueFrom?.secretKeyRef;
    const map = entry.valueFrom?.configMapKeyRef;
    const data = secret ? objectData(find('Secret', secret.name)) : map ? objectData(find('ConfigMap', map.name)) : undefined;
    const key = secret?.key ?? map?.key;
    if (data !== undefined && (key === undefined || data[key] === undefined)) {
      throw new Error(`${container.name} env ${entry.name} refers to a key that does not exist`);
    }
    env[entry.name] = data !== undefined ? data[key!]! : (entry.value ?? '');
  }
  return env;
}

/** The final stage of deploy/Dockerfile: its base image, ENV names and exec-form CMD. */
export function readDockerfile(): { bases: string[]; env: string[]; cmd: string[] } {
  // join continuation lines, drop comments
  const lines = readDeploy('Dockerfile')
    .replace(/\\\n/g, ' ')
    .split('\n')
    .filter((l) => !/^\s*#/.test(l));
  const bases: string[] = [];
  let env: string[] = [];
  let cmd: string[] = [];
  for (const line of lines) {
    const [instruction = '', ...rest] = line.trim().split(/\s+/);
    const args = rest.join(' ');
    switch (instruction.toUpperCase()) {
      case 'FROM':
        bases.push(rest[0]!);
        env = []; // each stage starts with its own environment
        break;
      case 'ENV':
        // `ENV A=1 B=2` or the legacy `ENV A 1`
        env.push(...(args.includes('=') ? [...args.matchAll(/([A-Za-z_][A-Za-z0-9_]*)=/g)].map((m) => m[1]!) : [rest[0]!]));
        break;
      case 'CMD':
        cmd = JSON.parse(args) as string[];
        break;
    }
  }
  return { bases, env, cmd };
}

/** The value after `flag` in an argument list. */
export function flagValue(args: readonly string[], flag: string): string | undefined {
  const at = args.indexOf(flag);
  return at < 0 ? undefined : args[at + 1];
}
