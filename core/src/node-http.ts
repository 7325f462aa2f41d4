import type * as NodeHttp from 'node:http';
import { createRequire } from 'node:module';

/**
 * node:http loaded through `require`. An ESM `import … from 'node:http'` builds a namespace from
 * every export, and reading Node 24's lazy `WebSocket`, `CloseEvent` and `MessageEvent` getters to
 * do so loads the whole bundled undici, which the server never uses: ~1 MiB of heap and ~2 MiB of
 * resident memory at idle (issue 11). Type-only imports of node:http are fine anywhere.
 */
const http: typeof NodeHttp = createRequire(import.meta.url)('node:http');

export const { Agent, ServerResponse, createServer, request } = http;
export type ServerResponse = NodeHttp.ServerResponse;
