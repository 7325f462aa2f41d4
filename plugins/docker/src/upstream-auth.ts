import type { UpstreamAuth, UpstreamAuthContext, UpstreamAuthRequest, UpstreamToken } from '@artifactapi/plugin-sdk';
import { selectChallenge } from './auth-challenge.js';
import { authScopeOf } from './repository-path.js';
import { basicAuthorization, parseTokenResponse, scopesFor, tokenRequest } from './token-flow.js';

/**
 * The registry token flow upstream (Docker Hub, ghcr.io, quay.io): on a 401 with a Bearer
 * challenge, ask its realm for a token for `repository:{image}:pull` (anonymously, or with the
 * repository's credentials as Basic), and let the core cache it per scope until it expires. A
 * Basic challenge is answered with the credentials, when there are any.
 */
export const upstreamAuth: UpstreamAuth = {
  scope: (path) => authScopeOf(path),
  async authenticate(request: UpstreamAuthRequest, ctx: UpstreamAuthContext): Promise<UpstreamToken | undefined> {
    const challenge = selectChallenge(request.challenges.map((c) => ({ scheme: c.scheme, params: { ...c.params } })));
    if (!challenge) return undefined;
    if (challenge.scheme === 'basic') return request.credentials && { authorization: basicAuthorization(request.credentials), expiresIn: 3600 };
    const { url, headers } = tokenRequest(challenge, scopesFor(challenge, [request.scope]), request.credentials);
    const res = await ctx.fetch(url, { headers });
    if (res.status !== 200) {
      ctx.log.warn({ status: res.status, realm: challenge.params.realm }, 'the upstream token realm refused a token');
      return undefined;
    }
    const receivedAt = Date.now();
    const token = parseTokenResponse(JSON.parse(Buffer.from(res.body).toString('utf8')) as unknown, receivedAt);
    return { authorization: `Bearer ${token.token}`, expiresIn: Math.max(1, Math.floor((token.expiresAt - receivedAt) / 1000)) };
  },
};
