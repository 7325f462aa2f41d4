import type { Classification, HookContext } from '@artifactapi/plugin-sdk';
import { decodeCase } from './case-encoding.js';
import { parseGoPath, versionFilePath } from './go-paths.js';
import { GO_INFO, GO_LIST, SUMDB_LOOKUP } from './kinds.js';
import { goOptions, matchesPrefixGlob } from './options.js';

const TEXT = 'text/plain; charset=utf-8';
const LIST: Classification = Object.freeze({ cache: 'mutable', index: GO_LIST, contentType: TEXT });
const LATEST: Classification = Object.freeze({ cache: 'mutable', contentType: 'application/json' });
const INFO: Classification = Object.freeze({ cache: 'immutable', contentType: 'application/json' });
const QUERY_INFO: Classification = Object.freeze({ cache: 'mutable', contentType: 'application/json' });
const MOD: Classification = Object.freeze({ cache: 'immutable', contentType: TEXT });
const ZIP: Classification = Object.freeze({ cache: 'immutable', contentType: 'application/zip' });
const SUMDB_MUTABLE: Classification = Object.freeze({ cache: 'mutable', contentType: TEXT });
const SUMDB_IMMUTABLE: Classification = Object.freeze({ cache: 'immutable', contentType: TEXT });
const TILE: Classification = Object.freeze({ cache: 'immutable', contentType: 'application/octet-stream' });

/**
 * The GOPROXY protocol: `@v/list` and `@latest` are mutable; a canonical version's `.info`,
 * `.mod` and `.zip` are immutable (a query such as `master.info` is mutable). Checksum database
 * paths of the configured databases pass through: `supported` and `latest` mutable, `lookup` and
 * tiles immutable. Paths stay case-encoded (`!a` for `A`), as go sends them and as they go upstream.
 */
export function classifyGoPath(path: string, ctx: HookContext): Classification {
  const p = parseGoPath(path);
  switch (p.kind) {
    case 'sumdb': {
      if (!goOptions(ctx.repo.options).sumdbNames.includes(p.db)) {
        return { cache: 'deny', reason: `checksum database ${p.db} is not served by this repository (sumdb_names)` };
      }
      if (p.what === 'supported' || p.what === 'latest') return SUMDB_MUTABLE;
      if (p.what === 'lookup') return SUMDB_IMMUTABLE;
      if (p.what === 'tile') return TILE;
      return { cache: 'deny', reason: 'not a checksum database path' };
    }
    case 'other':
      return { cache: 'deny', reason: 'not a Go module proxy path' };
    default:
      break;
  }
  if (decodeCase(p.module) === undefined) return { cache: 'deny', reason: 'the module path is not case-encoded (!a for A)' };
  switch (p.kind) {
    case 'list':
      return LIST;
    case 'latest':
      return LATEST;
    case 'info':
      return p.canonical ? INFO : QUERY_INFO;
    case 'mod':
      return p.canonical ? MOD : { ...MOD, cache: 'mutable' };
    case 'zip':
      return p.canonical ? ZIP : { ...ZIP, cache: 'mutable' };
  }
}

/**
 * A canonical version's .zip and .mod are described by the first checksum database's `lookup`
 * answer, whose `h1:` hashes they are verified against (unless `sumdb_verify` is off or the module
 * matches `nosumdb`), and by the version's `.info`, whose `Time` is their publish time.
 */
export function goIndexOf(path: string, ctx: HookContext): { path: string; index: string }[] | undefined {
  const p = parseGoPath(path);
  if ((p.kind !== 'zip' && p.kind !== 'mod') || !p.canonical) return undefined;
  const module = decodeCase(p.module);
  if (module === undefined) return undefined;
  const indexes = [{ path: versionFilePath(p.module, p.version, 'info'), index: GO_INFO }];
  const options = goOptions(ctx.repo.options);
  const db = options.sumdbNames[0];
  if (options.sumdbVerify && db !== undefined && !matchesPrefixGlob(options.nosumdb, module)) {
    indexes.unshift({ path: `sumdb/${db}/lookup/${p.module}@${p.version}`, index: SUMDB_LOOKUP });
  }
  return indexes;
}

/** Checksum databases come through the upstream proxy (`<base_url>/sumdb/<name>/…`) or, with `sumdb_direct`, from `https://<name>/…`. */
export function goUpstreamUrl(path: string, ctx: HookContext): string {
  const p = parseGoPath(path);
  if (p.kind === 'sumdb' && goOptions(ctx.repo.options).sumdbDirect) return `https://${p.db}/${p.rest}`;
  return `${ctx.repo.baseUrl}/${path}`;
}
