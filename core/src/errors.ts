/**
 * Every error code ArtifactAPI answers with, in one place. docs/errors.md lists each one;
 * a test keeps the two in step.
 */
export const ERROR_CODES = {
  AAPI_ERR_PATH_INVALID: { status: 400, message: 'Invalid path: %s' },
  AAPI_ERR_REQUEST_INVALID: { status: 400, message: 'Invalid request: %s' },
  AAPI_ERR_CHECKSUM_MISMATCH: { status: 400, message: 'Checksum mismatch: %s' },
  AAPI_ERR_HOST_INVALID: { status: 400, message: 'Invalid public origin: %s' },
  AAPI_ERR_AUTH_REQUIRED: { status: 401, message: 'Authentication required: %s' },
  AAPI_ERR_AUTH_FORBIDDEN: { status: 403, message: 'Forbidden: %s' },
  AAPI_ERR_UPLOADS_DISABLED: { status: 403, message: 'Uploads are disabled: %s' },
  AAPI_ERR_PATH_DENIED: { status: 403, message: 'Path denied by repository policy: %s' },
  AAPI_ERR_REPO_NOT_FOUND: { status: 404, message: 'No such repository: %s' },
  AAPI_ERR_NOT_FOUND: { status: 404, message: 'Not found: %s' },
  AAPI_ERR_GONE: { status: 410, message: 'Gone: %s' },
  AAPI_ERR_REPOSITORY_NOT_FOUND: { status: 404, message: 'No such repository: %s' },
  AAPI_ERR_UPLOAD_UNKNOWN: { status: 404, message: 'No such upload session: %s' },
  AAPI_ERR_METHOD_NOT_ALLOWED: { status: 405, message: 'Method not allowed: %s' },
  AAPI_ERR_REPOSITORY_EXISTS: { status: 409, message: 'Repository exists: %s' },
  AAPI_ERR_DECLARED_IN_CONFIG: { status: 409, message: 'Declared in the configuration file: %s' },
  AAPI_ERR_RANGE_NOT_SATISFIABLE: { status: 416, message: 'Range not satisfiable: %s' },
  AAPI_ERR_QUARANTINED: { status: 451, message: 'Quarantined: %s' },
  AAPI_ERR_UPSTREAM_FAILED: { status: 502, message: 'Upstream failure: %s' },
  AAPI_ERR_UPSTREAM_DIGEST: { status: 502, message: 'Upstream sent bytes that do not match the expected digest: %s' },
  AAPI_ERR_UPSTREAM_TOO_LARGE: { status: 502, message: 'Upstream body too large: %s' },
  AAPI_ERR_UPSTREAM_DOCUMENT: { status: 502, message: 'Upstream sent an unreadable document: %s' },
  AAPI_ERR_INDEX_UNAVAILABLE: { status: 502, message: 'Index unavailable: %s' },
  AAPI_ERR_SNAPSHOT_INCOMPLETE: { status: 502, message: 'Upstream snapshot incomplete: %s' },
  AAPI_ERR_UPSTREAM_UNREACHABLE: { status: 502, message: 'Upstream unreachable: %s' },
  AAPI_ERR_UPSTREAM_REDIRECT_REFUSED: { status: 502, message: 'Upstream redirect refused: %s' },
  AAPI_ERR_LOOP_DETECTED: { status: 508, message: 'Request loop detected: %s' },
  AAPI_ERR_UPSTREAM_BREAKER_OPEN: { status: 503, message: 'Upstream marked down after repeated failures: %s' },
  AAPI_ERR_UPSTREAM_TIMEOUT: { status: 504, message: 'Upstream timed out: %s' },
  AAPI_ERR_STORAGE_UNAVAILABLE: { status: 503, message: 'Blob storage unavailable: %s' },
  AAPI_ERR_METADATA_UNAVAILABLE: { status: 503, message: 'Metadata store unavailable: %s' },
  AAPI_ERR_SHUTTING_DOWN: { status: 503, message: 'Server is shutting down: %s' },
  AAPI_ERR_UI_NOT_BUILT: { status: 503, message: 'Web UI not built: %s' },
  AAPI_ERR_INTERNAL: { status: 500, message: 'Internal error: %s' },
  AAPI_ERR_CONFIG_INVALID: { status: 500, message: 'Invalid configuration: %s' },
  AAPI_ERR_PLUGIN_FAILED: { status: 500, message: 'Plugin failed: %s' },
} as const satisfies Record<string, { status: number; message: string }>;

export type ErrorCode = keyof typeof ERROR_CODES;

/** One problem with a request, by the key path of what is wrong (`remotes.x.base_url`, `querystring.limit`). */
export interface ErrorDetail {
  path: string;
  message: string;
}

/** An error with a stable code and the HTTP status it maps to. */
export class AapiError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  /** Extra headers to send with the error response (e.g. Retry-After). */
  readonly headers: Record<string, string>;
  /** The upstream's HTTP status when the error is its answer (a 404, a 500), for the request log. */
  readonly upstreamStatus?: number;
  /** The key path of the one field at fault (management API). */
  readonly path?: string;
  /** Every problem found, by key path (management API validation). */
  readonly details?: readonly ErrorDetail[];

  constructor(
    code: ErrorCode,
    detail: string,
    options: { cause?: unknown; headers?: Record<string, string>; upstreamStatus?: number; path?: string; details?: readonly ErrorDetail[] } = {},
  ) {
    super(ERROR_CODES[code].message.replace('%s', detail), { cause: options.cause });
    this.name = 'AapiError';
    this.code = code;
    this.status = ERROR_CODES[code].status;
    this.headers = options.headers ?? {};
    if (options.upstreamStatus !== undefined) this.upstreamStatus = options.upstreamStatus;
    if (options.path !== undefined) this.path = options.path;
    if (options.details !== undefined) this.details = options.details;
  }

  toJSON(): { error: { code: ErrorCode; message: string; path?: string; details?: readonly ErrorDetail[] } } {
    const error: { code: ErrorCode; message: string; path?: string; details?: readonly ErrorDetail[] } = { code: this.code, message: this.message };
    if (this.path !== undefined) error.path = this.path;
    if (this.details !== undefined) error.details = this.details;
    return { error };
  }
}

export function isAapiError(err: unknown): err is AapiError {
  return err instanceof AapiError;
}
