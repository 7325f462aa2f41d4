// The deployment files under deploy/ cannot be run here (no Docker engine, no cluster), so this
// keeps them honest by reading them: every variable they set must be one ArtifactAPI reads, the
// config they mount must pass the real validation with the environment they give it, and the
// pieces must point at each other (service names, ports, mounts, credentials).
import test from 'ava';
import { KNOWN_ENV_VARS, parseConfig, type AppConfig } from '@artifactapi/core';
import {
  composeEnvironment,
  containerEnvironment,
  flagValue,
  interpolateCompose,
  objectData,
  readCompose,
  readDeploy,
  readDockerfile,
  readKubernetes,
  type ComposeService,
  type K8sContainer,
  type K8sDeployment,
  type K8sObject,
  type K8sProbe,
} from './helpers/deploy-files.js';

/**
 * Variables the deployment may set that ArtifactAPI itself does not read. Keep this short:
 * anything else must be in KNOWN_ENV_VARS (core/src/config/known-env.ts).
 */
const NON_ARTIFACTAPI_VARS: readonly string[] = [
  'NODE_ENV', // set by deploy/Dockerfile; read by dependencies (fastify, pino) only
  'NODE_OPTIONS', // Node.js runtime flags (heap size in the Kubernetes Deployment)
];

/** What the shell running `docker compose up` must provide (`${VAR:?…}` in the compose file). */
const COMPOSE_HOST_ENV = { ADMIN_TOKEN: 'test-admin-token' };

const DOCKERFILE = 'deploy/Dockerfile';

function unknownVars(names: Iterable<string>): string[] {
  const known = new Set([...KNOWN_ENV_VARS, ...NON_ARTIFACTAPI_VARS]);
  return [...names].filter((n) => !known.has(n));
}

function validate(yamlText: string, env: Record<string, string>, source: string): AppConfig {
  return parseConfig(yamlText, { env, dataDir: '/var/lib/artifactapi', source });
}

function replicaServices(): [string, ComposeService][] {
  return Object.entries(readCompose().services).filter(([, s]) => s.build?.dockerfile === DOCKERFILE);
}

/** The port from the Dockerfile's `--listen HOST:PORT`. */
function listenPort(): number {
  const listen = flagValue(readDockerfile().cmd, '--listen') ?? '';
  return Number(/:(\d+)$/.exec(listen)?.[1]);
}

function deployment(objects: K8sObject[]): K8sDeployment {
  const deployments = objects.filter((o): o is K8sDeployment => o.kind === 'Deployment');
  if (deployments.length !== 1) throw new Error(`expected one Deployment, found ${deployments.length}`);
  return deployments[0]!;
}

function artifactapiContainer(d: K8sDeployment): K8sContainer {
  const found = d.spec.template.spec.containers.find((c) => [...(c.command ?? []), ...(c.args ?? [])].includes('core/bin/artifactapi.js') || /artifactapi/.test(c.image));
  if (found === undefined) throw new Error('no ArtifactAPI container in the Deployment');
  return found;
}

/** A probe's port as a number, resolving a named container port. */
function probePort(container: K8sContainer, probe: K8sProbe | undefined): number | undefined {
  const port = probe?.httpGet?.port;
  return typeof port === 'string' ? container.ports?.find((p) => p.name === port)?.containerPort : port;
}

test('deploy/Dockerfile builds on node:24-bookworm-slim and serves the mounted config on the data dir', (t) => {
  const { bases, env, cmd } = readDockerfile();
  t.true(bases.length > 0 && bases.every((b) => b === 'node:24-bookworm-slim'), `FROM ${bases.join(', ')}`);
  t.deepEqual(cmd, ['node', 'core/bin/artifactapi.js', 'serve', '--config', '/etc/artifactapi/config.yaml', '--listen', '0.0.0.0:8000', '--data', '/var/lib/artifactapi']);
  t.deepEqual(unknownVars(env), [], 'ENV in the final stage');
});

test('compose runs PostgreSQL, Redis, MinIO with a minio/mc bucket init, two replicas and a load balancer', (t) => {
  const { services } = readCompose();
  const image = (name: string): string => services[name]?.image ?? '';
  t.regex(image('postgres'), /^postgres:/);
  t.regex(image('redis'), /^redis:/);
  t.regex(image('minio'), /^minio\/minio(:|$)/);
  t.regex(image('minio-init'), /^minio\/mc(:|$)/);
  t.regex(image('lb'), /^nginx:/);

  const replicas = replicaServices().map(([name]) => name);
  t.true(replicas.length >= 2, `replicas: ${replicas.join(', ')}`);
  for (const [name, service] of replicaServices()) {
    t.is(service.build?.context, '..', `${name} builds from the repository root`);
    t.true(
      (service.volumes ?? []).some((v) => v === './config.yaml:/etc/artifactapi/config.yaml:ro'),
      `${name} mounts deploy/config.yaml where the image's CMD reads it`,
    );
    const deps = service.depends_on as Record<string, { condition?: string }>;
    t.is(deps['minio-init']?.condition, 'service_completed_successfully', `${name} starts after the bucket exists`);
  }
  t.deepEqual(Object.keys(services['lb']?.depends_on ?? {}).sort(), [...replicas].sort(), 'the load balancer waits for every replica');
});

test('every variable the compose replicas set is one ArtifactAPI reads', (t) => {
  const replicas = replicaServices();
  t.true(replicas.length > 0);
  for (const [name, service] of replicas) {
    const env = composeEnvironment(service, COMPOSE_HOST_ENV);
    // guards against a parsing slip that would make the check below vacuous
    for (const expected of ['DATABASE_URL', 'REDIS_URL', 'S3_BUCKET', 'ADMIN_TOKEN']) t.true(expected in env, `${name} sets ${expected}`);
    t.deepEqual(unknownVars(Object.keys(env)), [], `${name}: variables ArtifactAPI does not read`);
  }
  t.throws(() => composeEnvironment(replicas[0]![1], {}), { message: /ADMIN_TOKEN is required/ }, 'compose refuses to start without ADMIN_TOKEN');
});

test('deploy/config.yaml passes validation with each compose replica environment and selects s3, postgres and redis', (t) => {
  const text = readDeploy('config.yaml');
  for (const [name, service] of replicaServices()) {
    const env = composeEnvironment(service, COMPOSE_HOST_ENV);
    const config = validate(text, env, `deploy/config.yaml with ${name}'s environment`);
    t.like(config.storage, { kind: 's3', bucket: env['S3_BUCKET'], endpoint: env['S3_ENDPOINT'], force_path_style: true }, name);
    t.deepEqual(config.metadata, { kind: 'postgres', url: env['DATABASE_URL']! }, name);
    t.deepEqual(config.coordination, { kind: 'redis', url: env['REDIS_URL']! }, name);
    t.is(config.auth.admin_token, COMPOSE_HOST_ENV.ADMIN_TOKEN, name);
    t.true(config.server.shutdown_timeout > 0);
  }
  // the config names the shared backends itself, so a replica missing one refuses to start
  const env = composeEnvironment(replicaServices()[0]![1], COMPOSE_HOST_ENV);
  for (const required of ['DATABASE_URL', 'REDIS_URL', 'S3_BUCKET']) {
    const partial = { ...env };
    delete partial[required];
    t.throws(() => validate(text, partial, 'deploy/config.yaml'), { message: new RegExp(required) }, `without ${required}`);
  }
});

test('compose replicas reach the compose services with the credentials those services are given', (t) => {
  const { services } = readCompose();
  const serviceEnv = (name: string): Record<string, string> => composeEnvironment(services[name]!, COMPOSE_HOST_ENV);
  const pg = serviceEnv('postgres');
  const minio = serviceEnv('minio');
  const mcScript = [services['minio-init']?.entrypoint ?? [], services['minio-init']?.command ?? []].flat().join(' ');

  for (const [name, service] of replicaServices()) {
    const env = composeEnvironment(service, COMPOSE_HOST_ENV);
    const db = new URL(env['DATABASE_URL']!);
    t.is(db.hostname, 'postgres', `${name} DATABASE_URL host`);
    t.is(decodeURIComponent(db.username), pg['POSTGRES_USER'], `${name} DATABASE_URL user`);
    t.is(decodeURIComponent(db.password), pg['POSTGRES_PASSWORD'], `${name} DATABASE_URL password`);
    t.is(db.pathname, `/${pg['POSTGRES_DB']}`, `${name} DATABASE_URL database`);
    t.is(new URL(env['REDIS_URL']!).hostname, 'redis', `${name} REDIS_URL host`);
    t.is(new URL(env['S3_ENDPOINT']!).hostname, 'minio', `${name} S3_ENDPOINT host`);
    t.is(env['S3_ACCESS_KEY_ID'], minio['MINIO_ROOT_USER'], `${name} S3 access key`);
    t.is(env['S3_SECRET_ACCESS_KEY'], minio['MINIO_ROOT_PASSWORD'], `${name} S3 secret key`);
    t.true(mcScript.includes(`mc mb --ignore-existing local/${env['S3_BUCKET']}`), `minio-init creates bucket ${env['S3_BUCKET']}`);
  }
  // minio-init logs in with the same root credentials (as $$VAR, left to its shell)
  const init = serviceEnv('minio-init');
  t.is(init['MINIO_ROOT_USER'], minio['MINIO_ROOT_USER']);
  t.is(init['MINIO_ROOT_PASSWORD'], minio['MINIO_ROOT_PASSWORD']);
  t.is(interpolateCompose('$$MINIO_ROOT_USER', {}), '$MINIO_ROOT_USER');
});

test('the load balancer sends traffic to every compose replica on the port the server listens on', (t) => {
  const conf = readDeploy('nginx-lb.conf');
  const { services } = readCompose();
  t.true((services['lb']?.volumes ?? []).includes('./nginx-lb.conf:/etc/nginx/conf.d/default.conf:ro'), 'lb mounts nginx-lb.conf');

  const upstream = /upstream\s+(\S+)\s*\{([^}]*)\}/.exec(conf);
  t.truthy(upstream, 'an upstream block');
  t.regex(conf, new RegExp(`proxy_pass\\s+http://${upstream![1]};`), 'proxy_pass goes to the upstream block');
  const servers = [...upstream![2]!.matchAll(/^\s*server\s+([^\s;]+)/gm)].map((m) => m[1]);
  const port = listenPort();
  t.is(port, 8000);
  t.deepEqual(servers.sort(), replicaServices().map(([name]) => `${name}:${port}`).sort());
  // streaming proxy: no whole-artifact buffering in nginx, no upload size limit
  t.regex(conf, /proxy_buffering\s+off;/);
  t.regex(conf, /proxy_request_buffering\s+off;/);
  t.regex(conf, /client_max_body_size\s+0;/);
});

test('every variable the Kubernetes manifests set for the ArtifactAPI container is one ArtifactAPI reads', (t) => {
  const objects = readKubernetes();
  const container = artifactapiContainer(deployment(objects));
  const env = containerEnvironment(container, objects);
  for (const expected of ['DATABASE_URL', 'REDIS_URL', 'S3_BUCKET', 'ADMIN_TOKEN', 'S3_ACCESS_KEY_ID']) t.true(expected in env, `sets ${expected}`);
  t.deepEqual(unknownVars(Object.keys(env)), []);
  // a Secret's keys all become variables through envFrom, so they must all be known too
  for (const secret of objects.filter((o) => o.kind === 'Secret')) {
    t.deepEqual(unknownVars(Object.keys(objectData(secret))), [], `Secret ${secret.metadata.name} (${secret.file})`);
  }
});

test('the Kubernetes Deployment runs 2+ replicas with probes on GET /health, resources and credentials from a Secret', (t) => {
  const objects = readKubernetes();
  const d = deployment(objects);
  t.true((d.spec.replicas ?? 1) >= 2, `replicas: ${d.spec.replicas}`);
  t.like(d.spec.template.metadata.labels, d.spec.selector.matchLabels, 'the selector matches the pod labels');

  const container = artifactapiContainer(d);
  t.is(flagValue(container.args ?? [], '--listen'), '0.0.0.0:8000');
  for (const kind of ['startupProbe', 'readinessProbe', 'livenessProbe'] as const) {
    t.is(container[kind]?.httpGet?.path, '/health', `${kind} path`);
    t.is(probePort(container, container[kind]), listenPort(), `${kind} port`);
  }
  t.truthy(container.resources?.requests?.['cpu'] && container.resources.requests['memory'], 'cpu and memory requests');
  t.truthy(container.resources?.limits?.['memory'], 'a memory limit');

  const secretRefs = [
    ...(container.envFrom ?? []).flatMap((s) => (s.secretRef ? [s.secretRef.name] : [])),
    ...(container.env ?? []).flatMap((e) => (e.valueFrom?.secretKeyRef ? [e.valueFrom.secretKeyRef.name] : [])),
  ];
  t.true(secretRefs.length > 0, 'environment from a Secret');
  const secretKeys = new Set(
    objects.filter((o) => o.kind === 'Secret' && secretRefs.includes(o.metadata.name)).flatMap((o) => Object.keys(objectData(o))),
  );
  for (const credential of ['DATABASE_URL', 'REDIS_URL', 'ADMIN_TOKEN', 'S3_SECRET_ACCESS_KEY']) {
    t.true(secretKeys.has(credential), `${credential} comes from the Secret`);
    t.false((container.env ?? []).some((e) => e.name === credential && e.value !== undefined), `${credential} is not written in the Deployment`);
  }
});

test('the Kubernetes ConfigMap carries deploy/config.yaml unchanged, mounted where --config reads it, and it validates', (t) => {
  const objects = readKubernetes();
  const d = deployment(objects);
  const container = artifactapiContainer(d);

  const configFile = flagValue(container.args ?? [], '--config') ?? '';
  const dir = configFile.slice(0, configFile.lastIndexOf('/'));
  const key = configFile.slice(configFile.lastIndexOf('/') + 1);
  const mount = container.volumeMounts?.find((m) => m.mountPath === dir);
  t.truthy(mount, `a volume mounted at ${dir}`);
  const mapName = d.spec.template.spec.volumes?.find((v) => v.name === mount?.name)?.configMap?.name;
  const configMap = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === mapName);
  t.truthy(configMap, `ConfigMap ${mapName} exists`);

  const text = objectData(configMap!)[key];
  t.is(text, readDeploy('config.yaml'), `${configMap!.file} data.${key} must be a copy of deploy/config.yaml`);

  const env = containerEnvironment(container, objects);
  const config = validate(text!, env, `${configMap!.file} with the Deployment's environment`);
  t.is(config.storage.kind, 's3');
  t.is(config.metadata.kind, 'postgres');
  t.is(config.coordination.kind, 'redis');
});

test('the Kubernetes Service and PodDisruptionBudget select the Deployment pods', (t) => {
  const objects = readKubernetes();
  const d = deployment(objects);
  const container = artifactapiContainer(d);
  const podLabels = d.spec.template.metadata.labels;

  const services = objects.filter((o) => o.kind === 'Service') as (K8sObject & {
    spec: { selector: Record<string, string>; ports: { targetPort: number | string }[] };
  })[];
  t.is(services.length, 1);
  t.like(podLabels, services[0]!.spec.selector);
  for (const port of services[0]!.spec.ports) {
    const target = typeof port.targetPort === 'string' ? container.ports?.find((p) => p.name === port.targetPort)?.containerPort : port.targetPort;
    t.is(target, listenPort());
  }
  for (const pdb of objects.filter((o) => o.kind === 'PodDisruptionBudget') as (K8sObject & { spec: { selector: { matchLabels: Record<string, string> } } })[]) {
    t.like(podLabels, pdb.spec.selector.matchLabels);
  }
  // every namespaced object lives in the same namespace
  const namespaces = new Set(objects.filter((o) => o.kind !== 'Namespace').map((o) => o.metadata.namespace));
  t.is(namespaces.size, 1, [...namespaces].join(', '));
});
