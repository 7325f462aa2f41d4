import { execFile } from 'node:child_process';
import { createPrivateKey, randomUUID, sign, X509Certificate } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Teardown } from './teardown.js';

/**
 * A token server for CNCF distribution's `auth.token` mode (distribution docs/spec/auth/token.md):
 * the realm a registry's 401 points at. It signs ES256 JWTs with a throwaway key whose
 * self-signed certificate is the registry's `rootcertbundle`; the certificate rides in the
 * token's `x5c` header, which distribution 2.8 verifies against that bundle. It counts the token
 * requests it answers, so a test can tell whether a client reused its token.
 */

export interface TokenServer {
  /** The realm: `http://127.0.0.1:PORT/token`. */
  realm: string;
  service: string;
  issuer: string;
  /** PEM file for the registry's `rootcertbundle`. */
  certFile: string;
  /** Token requests answered so far, with the scopes and user they asked for. */
  requests: Array<{ scopes: string[]; user?: string }>;
}

export interface TokenServerOptions {
  /** Credentials a client must send as Basic to get a token; anonymous clients get pull only. */
  username?: string;
  password?: string;
  /** Seconds a token lives (sent as `expires_in`). */
  expiresIn?: number;
}

const run = promisify(execFile);

/** Starts the token server on 127.0.0.1; it stops when the test ends. `dir` holds the key and certificate. */
export async function startTokenServer(t: Teardown, dir: string, options: TokenServerOptions = {}): Promise<TokenServer> {
  const keyFile = join(dir, 'token-key.pem');
  const certFile = join(dir, 'token-cert.pem');
  // Node can sign but not issue certificates; openssl makes the self-signed one.
  await run('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', keyFile, '-out', certFile, '-days', '2', '-subj', '/CN=artifactapi-test-token-issuer']);
  const key = createPrivateKey(await readFile(keyFile));
  const der = new X509Certificate(await readFile(certFile)).raw.toString('base64');
  const service = 'artifactapi-test-registry';
  const issuer = 'artifactapi-test-issuer';
  const expiresIn = options.expiresIn ?? 300;
  const requests: TokenServer['requests'] = [];

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname !== '/token') return void res.writeHead(404).end();
    const user = basicUser(req.headers.authorization, options);
    if (user === null) return void res.writeHead(401, { 'content-type': 'application/json' }).end('{"details":"wrong credentials"}');
    const scopes = url.searchParams.getAll('scope');
    requests.push(user === undefined ? { scopes } : { scopes, user });
    const mayPush = user !== undefined || options.username === undefined;
    const now = Math.floor(Date.now() / 1000);
    const claims = {
      iss: issuer,
      sub: user ?? '',
      aud: url.searchParams.get('service') ?? service,
      exp: now + expiresIn,
      nbf: now - 10,
      iat: now,
      jti: randomUUID(),
      access: scopes.flatMap((scope) => grant(scope, mayPush)),
    };
    const token = jwt(key, der, claims);
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ token, access_token: token, expires_in: expiresIn, issued_at: new Date(now * 1000).toISOString() }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const { port } = server.address() as AddressInfo;
  return { realm: `http://127.0.0.1:${port}/token`, service, issuer, certFile, requests };
}

/** The user a request authenticates as: undefined for anonymous, null for wrong credentials. */
function basicUser(header: string | undefined, options: TokenServerOptions): string | undefined | null {
  if (!header?.startsWith('Basic ')) return undefined;
  const [user, ...rest] = Buffer.from(header.slice(6), 'base64').toString('utf8').split(':');
  if (options.username === undefined) return user;
  return user === options.username && rest.join(':') === options.password ? user : null;
}

/** `repository:name:pull,push` → the access entry, with push left out for anonymous clients. */
function grant(scope: string, mayPush: boolean): Array<{ type: string; name: string; actions: string[] }> {
  const parts = scope.split(':');
  if (parts.length < 3) return [];
  const actions = (parts.pop() ?? '').split(',').filter((a) => a === 'pull' || (mayPush && (a === 'push' || a === 'delete' || a === '*')));
  const [type = '', ...name] = parts;
  return [{ type, name: name.join(':'), actions }];
}

function jwt(key: KeyObject, certDer: string, claims: object): string {
  const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const input = `${b64({ typ: 'JWT', alg: 'ES256', x5c: [certDer] })}.${b64(claims)}`;
  // JOSE wants ES256 signatures as r||s, not DER.
  const signature = sign('sha256', Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' });
  return `${input}.${signature.toString('base64url')}`;
}
