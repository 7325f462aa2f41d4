import { render } from 'ink';
import { createElement as h } from 'react';
import { App } from './app.js';
import { ApiProblem, ManagementClient } from './management-client.js';

export interface TuiOptions {
  endpoint?: string;
  /** Falls back to ARTIFACTAPI_TOKEN, so the token stays out of the shell history. */
  token?: string;
}

const REFRESH_MS = 3000;

/**
 * `artifactapi tui --endpoint URL [--token T]`: the dashboard, repositories and live events of a
 * running server, through its management API. The endpoint and the token are tried once before
 * the screen is taken over, so a wrong one ends with one line saying which, not a blank screen.
 */
export async function tuiCommand(options: TuiOptions, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  if (!options.endpoint) return fail('--endpoint URL is required, e.g. --endpoint http://127.0.0.1:8000', 2);
  let endpoint: URL;
  try {
    endpoint = new URL(options.endpoint);
  } catch {
    return fail(`--endpoint must be a URL such as http://127.0.0.1:8000, got "${options.endpoint}"`, 2);
  }
  if (endpoint.protocol !== 'http:' && endpoint.protocol !== 'https:') {
    return fail(`--endpoint must be an http:// or https:// URL, got "${options.endpoint}"`, 2);
  }
  if (!process.stdout.isTTY || !process.stdin.isTTY) return fail('tui needs an interactive terminal (stdin and stdout must be a TTY)', 2);

  const client = new ManagementClient({ endpoint: endpoint.href, token: options.token || env.ARTIFACTAPI_TOKEN || undefined });
  try {
    await client.stats();
  } catch (err) {
    if (err instanceof ApiProblem) return fail(err.message, 1);
    throw err;
  }

  // `interactive` is set outright: Ink would otherwise print only a final frame when CI is set,
  // yet a TTY on both ends is all a full-screen view needs.
  const app = render(h(App, { client, refreshMs: REFRESH_MS }), { alternateScreen: true, interactive: true, exitOnCtrlC: true });
  await app.waitUntilExit();
  return 0;
}

function fail(message: string, code: number): number {
  process.stderr.write(`artifactapi tui: ${message}\n`);
  return code;
}
