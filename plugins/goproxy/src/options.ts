import type { OptionsSchema } from '@artifactapi/plugin-sdk';

/** The checksum database go uses unless told otherwise (GOSUMDB). */
export const DEFAULT_SUMDB = 'sum.golang.org';

/** The goproxy repository keys (validated by the core with key paths). */
export const GOPROXY_OPTIONS: OptionsSchema = {
  properties: {
    sumdb_names: {
      type: 'array',
      items: { type: 'string', pattern: '^[a-z0-9][a-z0-9.-]*(:[0-9]+)?$', 'x-expected': 'a lower-case host name, e.g. sum.golang.org' },
      default: [DEFAULT_SUMDB],
      description: 'Checksum databases served under /sumdb/<name>/ (GOSUMDB names); others are refused. The first one verifies .zip and .mod files.',
    },
    sumdb_direct: {
      type: 'boolean',
      default: false,
      description: 'Fetch checksum databases from https://<name>/ rather than through the upstream proxy (<base_url>/sumdb/<name>/).',
    },
    sumdb_verify: {
      type: 'boolean',
      default: true,
      description: 'Verify module zips and go.mod files against the first checksum database before storing them.',
    },
    nosumdb: {
      type: 'array',
      items: { type: 'string', minLength: 1 },
      default: [],
      description: 'Module path prefix globs (as GONOSUMDB) whose files are not looked up in the checksum database (private modules).',
    },
  },
};

/** The options a repository's hooks read, with defaults for anything unset. */
export interface GoOptions {
  sumdbNames: readonly string[];
  sumdbDirect: boolean;
  sumdbVerify: boolean;
  nosumdb: readonly string[];
}

/** Reads a repository's options (already validated by the core against GOPROXY_OPTIONS). */
export function goOptions(options: Readonly<Record<string, unknown>>): GoOptions {
  const names = options['sumdb_names'];
  const nosumdb = options['nosumdb'];
  return {
    sumdbNames: Array.isArray(names) ? (names as string[]) : [DEFAULT_SUMDB],
    sumdbDirect: options['sumdb_direct'] === true,
    sumdbVerify: options['sumdb_verify'] !== false,
    nosumdb: Array.isArray(nosumdb) ? (nosumdb as string[]) : [],
  };
}

/**
 * Whether a module path matches one of the GONOSUMDB-style globs: a glob matches a leading run
 * of the path's elements, element by element (`*` within an element, as path.Match).
 */
export function matchesPrefixGlob(globs: readonly string[], modulePath: string): boolean {
  const elements = modulePath.split('/');
  return globs.some((glob) => {
    const parts = glob.replace(/\/+$/, '').split('/');
    if (parts.length > elements.length) return false;
    return parts.every((part, i) => globElement(part).test(elements[i]!));
  });
}

function globElement(part: string): RegExp {
  const source = part.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]');
  return new RegExp(`^${source}$`);
}
