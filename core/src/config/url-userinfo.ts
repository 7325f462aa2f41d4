/** A URL with its `user:pass@` taken out, and the credentials it carried, percent-decoded. */
export interface SplitUserinfo {
  url: string;
  username?: string;
  password?: string;
}

/**
 * Takes the userinfo out of an http(s) URL. Upstream URLs are built by appending paths to
 * `base_url`, and a URL with userinfo is refused as a host switch, so credentials written into
 * `base_url` travel as the repository's Basic credentials instead. A URL without userinfo (or
 * one that does not parse; the checks report it) comes back unchanged.
 */
export function splitUserinfo(raw: string): SplitUserinfo {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { url: raw };
  }
  if (url.username === '' && url.password === '') return { url: raw };
  const out: SplitUserinfo = { url: '', username: decoded(url.username) };
  if (url.password !== '') out.password = decoded(url.password);
  url.username = '';
  url.password = '';
  out.url = url.href;
  return out;
}

/** True when a URL string carries a user name or password. */
export function hasUserinfo(raw: string | undefined): boolean {
  return raw !== undefined && splitUserinfo(raw).username !== undefined;
}

function decoded(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}
