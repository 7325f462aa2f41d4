/** The parts of an artifact response tests compare, with the body read as text. */
export interface FetchSummary {
  status: number;
  /** X-Artifact-Cache */
  cache: string | null;
  /** X-Artifact-Source */
  source: string | null;
  body: string;
  /** `error.code` of a JSON error answer. */
  code?: string;
  headers: Headers;
}

/** fetch() that reads the whole body and pulls out the headers and error code tests assert on. */
export async function fetchSummary(url: string, init?: RequestInit): Promise<FetchSummary> {
  const res = await fetch(url, init);
  const body = await res.text();
  const out: FetchSummary = {
    status: res.status,
    cache: res.headers.get('x-artifact-cache'),
    source: res.headers.get('x-artifact-source'),
    body,
    headers: res.headers,
  };
  if (res.status >= 400 && body !== '' && res.headers.get('content-type')?.includes('json')) {
    out.code = (JSON.parse(body) as { error?: { code?: string } }).error?.code;
  }
  return out;
}
