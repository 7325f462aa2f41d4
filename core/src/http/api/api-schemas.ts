import { repositorySchemas } from '../../config/index.js';

/**
 * The JSON schemas of the management API (api-contract.md). Routes validate requests and
 * responses with them, and /api/v2/openapi.json is generated from the same objects.
 */
type Schema = Record<string, unknown>;

const config = repositorySchemas();

const nullableString = { type: ['string', 'null'] };
const isoTime = { type: ['string', 'null'], format: 'date-time' };

export const errorSchema: Schema = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: {
        code: { type: 'string', pattern: '^AAPI_' },
        message: { type: 'string' },
        path: { type: 'string', description: 'Key path of the field at fault' },
        details: {
          type: 'array',
          items: { type: 'object', required: ['path', 'message'], properties: { path: { type: 'string' }, message: { type: 'string' } } },
        },
      },
    },
  },
};

/** A repository block as the config file holds it, plus its name (POST/PUT body). Plugin keys are checked by the plugin's own schema. */
/** What GET adds and a client may send back: ignored on input. */
const sourceInput = { enum: ['config', 'api'], description: 'Ignored on input (what GET answers may be sent back as it is)' };

export const remoteInputSchema: Schema = {
  ...config.repo,
  description: 'A remote or local repository: the config block of remotes.<name>, plus name. Keys not listed belong to the plugin (its options schema).',
  properties: {
    name: { ...config.repoName, description: 'The {repo} of /api/v1/remote/{repo}/{path}' },
    ...(config.repo['properties'] as Schema),
    source: sourceInput,
  },
};

/** What a GET answers: the block with defaults filled in, credentials redacted, and where it comes from. */
export const remoteSchema: Schema = {
  type: 'object',
  required: ['name', 'type', 'package', 'source'],
  properties: {
    ...(remoteInputSchema['properties'] as Schema),
    source: { enum: ['config', 'api'], description: 'config: declared in the configuration file (read-only here); api: created through this API' },
  },
};

export const virtualInputSchema: Schema = {
  ...config.virtual,
  properties: { name: config.repoName, ...(config.virtual['properties'] as Schema), source: sourceInput },
};

export const virtualSchema: Schema = {
  type: 'object',
  required: ['name', 'package', 'members', 'source'],
  additionalProperties: false,
  properties: {
    name: { type: 'string' },
    package: { type: 'string' },
    members: { type: 'array', items: { type: 'string' } },
    auth: (config.virtual['properties'] as Schema)['auth'],
    source: { enum: ['config', 'api'] },
  },
};

export const nameParams: Schema = {
  type: 'object',
  required: ['name'],
  properties: { name: { type: 'string' } },
};

export const objectSchema: Schema = {
  type: 'object',
  required: ['path', 'size', 'digest', 'content_type', 'cached_at', 'last_access', 'hits', 'expires_at', 'mutable'],
  additionalProperties: false,
  properties: {
    path: { type: 'string' },
    size: { type: 'integer', minimum: 0 },
    digest: { type: 'string', description: 'sha256:<hex>' },
    content_type: { type: 'string' },
    cached_at: isoTime,
    last_access: isoTime,
    hits: { type: 'integer', minimum: 0 },
    expires_at: isoTime,
    mutable: { type: 'boolean' },
  },
};

export const objectsQuery: Schema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    prefix: { type: 'string', description: 'Only paths starting with this' },
    q: { type: 'string', description: 'Only paths containing this' },
    sort: { enum: ['path', 'size', 'hits', 'cached_at'], default: 'path' },
    order: { enum: ['asc', 'desc'], default: 'asc' },
    limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100 },
    cursor: { type: 'string', description: 'next_cursor of the previous page' },
  },
};

export const objectsPageSchema: Schema = {
  type: 'object',
  required: ['objects', 'next_cursor'],
  additionalProperties: false,
  properties: { objects: { type: 'array', items: objectSchema }, next_cursor: nullableString },
};

export const evictQuery: Schema = {
  type: 'object',
  additionalProperties: false,
  properties: { path: { type: 'string', minLength: 1 }, prefix: { type: 'string' } },
};

export const evictedSchema: Schema = {
  type: 'object',
  required: ['evicted'],
  additionalProperties: false,
  properties: { evicted: { type: 'integer', minimum: 0 } },
};

const counters: Schema = {
  type: 'object',
  required: ['objects', 'bytes', 'hits', 'misses', 'bytes_served', 'upstream_errors'],
  additionalProperties: false,
  properties: Object.fromEntries(['objects', 'bytes', 'hits', 'misses', 'bytes_served', 'upstream_errors'].map((k) => [k, { type: 'integer', minimum: 0 }])),
};

export const statsSchema: Schema = {
  type: 'object',
  required: ['total', 'repositories', 'blobs'],
  additionalProperties: false,
  properties: {
    total: counters,
    repositories: { type: 'object', additionalProperties: counters },
    blobs: {
      type: 'object',
      required: ['count', 'bytes'],
      additionalProperties: false,
      properties: { count: { type: 'integer', minimum: 0 }, bytes: { type: 'integer', minimum: 0 } },
    },
  },
};

const backendHealth: Schema = {
  type: 'object',
  required: ['ok', 'kind'],
  properties: { ok: { type: 'boolean' }, kind: { type: 'string' }, error: { type: 'string' } },
};

export const healthSchema: Schema = {
  type: 'object',
  required: ['status', 'backends', 'upstreams'],
  additionalProperties: false,
  properties: {
    status: { enum: ['ok', 'degraded'] },
    backends: {
      type: 'object',
      required: ['metadata', 'storage', 'coordination'],
      additionalProperties: false,
      properties: { metadata: backendHealth, storage: backendHealth, coordination: backendHealth },
    },
    upstreams: {
      type: 'object',
      additionalProperties: {
        type: 'object',
        required: ['state'],
        properties: { state: { enum: ['closed', 'open', 'half-open'] }, url: { type: 'string' } },
      },
    },
  },
};

export const probeBody: Schema = {
  type: 'object',
  required: ['remote', 'path'],
  additionalProperties: false,
  properties: { remote: { type: 'string', minLength: 1 }, path: { type: 'string', minLength: 1 } },
};

export const probeSchema: Schema = {
  type: 'object',
  required: ['status', 'headers', 'ttfb_ms', 'bytes'],
  additionalProperties: false,
  properties: {
    status: { type: 'integer' },
    headers: { type: 'object', additionalProperties: { type: 'string' } },
    ttfb_ms: { type: 'number', minimum: 0 },
    bytes: { type: 'integer', minimum: 0 },
    url: { type: 'string', description: 'The upstream URL asked, credentials left out' },
  },
};

export const eventSchema: Schema = {
  type: 'object',
  required: ['type', 'time'],
  properties: {
    type: { enum: ['fetch', 'revalidate', 'stale', 'evict', 'repository', 'upstream_error', 'quarantine', 'firewall', 'job'] },
    time: { type: 'string', format: 'date-time' },
    repo: { type: 'string' },
    path: { type: 'string' },
    status: { type: 'integer' },
    bytes: { type: 'integer' },
    action: { type: 'string' },
    message: { type: 'string' },
    replica: { type: 'string' },
    job: {
      type: 'object',
      required: ['id', 'done', 'total', 'failed'],
      properties: { id: { type: 'string' }, done: { type: 'integer' }, total: { type: 'integer' }, failed: { type: 'integer' } },
    },
  },
};

export const cacheArtifactBody: Schema = {
  type: 'object',
  required: ['remote'],
  additionalProperties: false,
  properties: {
    remote: { type: 'string', minLength: 1 },
    paths: { type: 'array', maxItems: 10_000, items: { type: 'string', minLength: 1 } },
    urls: { type: 'array', maxItems: 10_000, items: { type: 'string', minLength: 1 } },
  },
};

export const jobAcceptedSchema: Schema = {
  type: 'object',
  required: ['job'],
  properties: { job: { type: 'object', required: ['id', 'total'], properties: { id: { type: 'string' }, total: { type: 'integer' } } } },
};

/** Error responses every API route may give. */
export const errorResponses = { '4xx': errorSchema, '5xx': errorSchema } as const;
