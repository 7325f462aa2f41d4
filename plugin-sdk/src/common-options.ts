/**
 * Schema of an option that names a second upstream host (pypi's and helm's `files_url`): an
 * http(s) URL without credentials, since the repository's own credentials are sent there too.
 * An empty string means unset.
 */
export const UPSTREAM_URL_OPTION: Readonly<Record<string, unknown>> = Object.freeze({
  type: 'string',
  pattern: '^(https?://[^/@\\s]+(/\\S*)?)?$',
  'x-expected': 'an http(s) URL without credentials (give those as the repository\'s username and password)',
});

/** The value of a URL option when set to a non-empty string. */
export function urlOption(options: Readonly<Record<string, unknown>>, key: string): string | undefined {
  const value = options[key];
  return typeof value === 'string' && value !== '' ? value : undefined;
}
