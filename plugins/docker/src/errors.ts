import type { ErrorInfo } from '@artifactapi/plugin-sdk';

/**
 * The registry's own error codes, with the status and message distribution's errcode table gives
 * them (registry/api/errcode and registry/api/v2/descriptors.go). Clients show `message` and act
 * on `code`; an unknown code is read as UNKNOWN, so only these are ever sent.
 */
export const REGISTRY_ERRORS = {
  BLOB_UNKNOWN: { status: 404, message: 'blob unknown to registry' },
  BLOB_UPLOAD_INVALID: { status: 404, message: 'blob upload invalid' },
  BLOB_UPLOAD_UNKNOWN: { status: 404, message: 'blob upload unknown to registry' },
  DIGEST_INVALID: { status: 400, message: 'provided digest did not match uploaded content' },
  MANIFEST_BLOB_UNKNOWN: { status: 400, message: 'manifest references a manifest or blob unknown to registry' },
  MANIFEST_INVALID: { status: 400, message: 'manifest invalid' },
  MANIFEST_UNKNOWN: { status: 404, message: 'manifest unknown' },
  NAME_INVALID: { status: 400, message: 'invalid repository name' },
  NAME_UNKNOWN: { status: 404, message: 'repository name not known to registry' },
  SIZE_INVALID: { status: 400, message: 'provided length did not match content length' },
  TAG_INVALID: { status: 400, message: 'manifest tag did not match URI' },
  PAGINATION_NUMBER_INVALID: { status: 400, message: 'invalid number of results requested' },
  RANGE_INVALID: { status: 416, message: 'invalid content range' },
  UNAUTHORIZED: { status: 401, message: 'authentication required' },
  DENIED: { status: 403, message: 'requested access to the resource is denied' },
  UNSUPPORTED: { status: 405, message: 'The operation is unsupported.' },
  TOOMANYREQUESTS: { status: 429, message: 'too many requests' },
  UNAVAILABLE: { status: 503, message: 'service unavailable' },
  UNKNOWN: { status: 500, message: 'unknown error' },
} as const satisfies Record<string, { status: number; message: string }>;

export type RegistryErrorCode = keyof typeof REGISTRY_ERRORS;

/** One entry of the `errors` array, as the distribution spec defines it. */
export interface RegistryErrorEntry {
  code: RegistryErrorCode;
  message: string;
  detail?: unknown;
}

/** A refusal in the registry's words; the `/v2` routes turn it into a response with {@link registryErrorBody}. */
export class RegistryError extends Error {
  readonly code: RegistryErrorCode;
  readonly status: number;
  readonly detail: unknown;
  /** Extra response headers: `WWW-Authenticate` on 401, `Retry-After` on 429, `Range` on 416. */
  readonly headers: Readonly<Record<string, string>>;

  constructor(code: RegistryErrorCode, options: { message?: string; detail?: unknown; status?: number; headers?: Record<string, string> } = {}) {
    super(options.message ?? REGISTRY_ERRORS[code].message);
    this.name = 'RegistryError';
    this.code = code;
    // Some codes are sent with another status where the spec says so (BLOB_UPLOAD_INVALID as 400 for a bad request).
    this.status = options.status ?? REGISTRY_ERRORS[code].status;
    this.detail = options.detail;
    this.headers = options.headers ?? {};
  }

  /** The JSON body entry; `detail` is left out when there is none, as distribution does. */
  entry(): RegistryErrorEntry {
    return this.detail === undefined ? { code: this.code, message: this.message } : { code: this.code, message: this.message, detail: this.detail };
  }
}

/** `{"errors":[…]}`: the body of every error response under `/v2`. */
export function registryErrorBody(...errors: readonly RegistryError[]): { errors: RegistryErrorEntry[] } {
  return { errors: errors.map((e) => e.entry()) };
}

/**
 * The registry code for one of the product's own errors (policy denial, quarantine, upstream
 * failure), so a docker client prints a sentence it understands; the product's code stays in
 * `detail` for operators. The status is kept: a 451 stays 451, a 504 stays 504.
 */
export function registryErrorFromProduct(error: ErrorInfo): RegistryError {
  const mapped = PRODUCT_CODES[error.code];
  if (mapped !== undefined) return new RegistryError(mapped, { message: error.message, detail: { code: error.code } });
  return new RegistryError(codeForStatus(error.status), { message: error.message, status: error.status, detail: { code: error.code } });
}

/** Product codes of uploads and local writes that have a registry code of their own (and its status). */
const PRODUCT_CODES: Readonly<Record<string, RegistryErrorCode>> = {
  AAPI_ERR_RANGE_NOT_SATISFIABLE: 'RANGE_INVALID',
  AAPI_ERR_UPLOAD_UNKNOWN: 'BLOB_UPLOAD_UNKNOWN',
  AAPI_ERR_CHECKSUM_MISMATCH: 'DIGEST_INVALID',
};

function codeForStatus(status: number): RegistryErrorCode {
  if (status === 401) return 'UNAUTHORIZED';
  if (status === 403 || status === 451) return 'DENIED';
  if (status === 404) return 'NAME_UNKNOWN';
  if (status === 405) return 'UNSUPPORTED';
  if (status === 429) return 'TOOMANYREQUESTS';
  if (status === 502 || status === 503 || status === 504) return 'UNAVAILABLE';
  return 'UNKNOWN';
}
