import { AapiError } from '../errors.js';

/** One problem found in a configuration. */
export interface ConfigIssue {
  /**
   * Where: a dotted key path with `[i]` for list items (`remotes.gh.patterns[0]`), an
   * environment variable name (`DATABASE_URL`), or `''` for the file as a whole.
   */
  path: string;
  /** A complete sentence that names the path, e.g. `remotes.x.base_url is required`. */
  message: string;
}

/**
 * A configuration that cannot be used. Every problem found is listed, not only the first,
 * so one `check-config` run shows them all; `message` has one issue per line.
 */
export class ConfigError extends AapiError {
  readonly issues: ConfigIssue[];
  /** The file the configuration came from, when it came from a file. */
  readonly file: string | undefined;

  constructor(issues: ConfigIssue[], options: { file?: string; cause?: unknown } = {}) {
    const where = options.file === undefined ? '' : ` in ${options.file}`;
    const lines = issues.map((i) => `  ${i.message}`).join('\n');
    super('AAPI_ERR_CONFIG_INVALID', `${issues.length} problem${issues.length === 1 ? '' : 's'}${where}:\n${lines}`, {
      cause: options.cause,
    });
    this.name = 'ConfigError';
    this.issues = issues;
    this.file = options.file;
  }
}

/** A key that reads unambiguously between dots; any other (empty, spaces, brackets, quotes) is quoted. */
const PLAIN_KEY = /^[^\s.[\]"]+$/;

/**
 * Renders a key path: `['remotes', 'gh', 'patterns', 0]` → `remotes.gh.patterns[0]`; a key that
 * would not read back is quoted: `['remotes', 'my repo']` → `remotes["my repo"]`.
 */
export function formatPath(segments: readonly (string | number)[]): string {
  let out = '';
  for (const s of segments) {
    if (typeof s === 'number') out += `[${s}]`;
    else if (!PLAIN_KEY.test(s)) out += `[${JSON.stringify(s)}]`;
    else out += out === '' ? s : `.${s}`;
  }
  return out;
}

/** Renders a value for an error message, short and on one line. */
export function formatValue(value: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
