import { KNOWN_ENV_VARS } from '@artifactapi/core';

/**
 * The environment for a child `artifactapi`: this process's, minus every variable the config
 * loader reads by itself (a developer's DATABASE_URL or HTTP_PROXY must not switch the child's
 * backends or send loopback upstream requests through a proxy), plus the test's own.
 */
export function cliEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of KNOWN_ENV_VARS) delete env[name];
  return { ...env, ...extra };
}
