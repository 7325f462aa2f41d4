import { definePlugin, taskRef } from '@artifactapi/plugin-sdk';
import type { ArtifactFacts, InspectContext, MergeInput, RewriteContext, RewriteResult, VerifyInput, VerifyResult } from '@artifactapi/plugin-sdk';
import { canonicalGoPath } from './case-encoding.js';
import { classifyGoPath, goIndexOf, goUpstreamUrl } from './classify.js';
import { goCompanions } from './companions.js';
import { GO_INFO, GO_LIST, MOD_VERIFIER, SUMDB_LOOKUP, ZIP_VERIFIER } from './kinds.js';
import { GOPROXY_OPTIONS, goOptions } from './options.js';

/**
 * Go module proxy (GOPROXY protocol) with checksum database passthrough: module zips and go.mod
 * files verified against the checksum database's `h1:` hashes before they are stored, quarantine
 * by the `.info` time (young versions left out of `@v/list`, their .mod and .zip refused with
 * 451), `@v/list` merged across a virtual repository's members.
 */
export default definePlugin({
  type: 'goproxy',
  description: 'Go module proxy (GOPROXY) with checksum database passthrough; zips and go.mod verified against sumdb h1: hashes',
  options: GOPROXY_OPTIONS,
  upstreamHosts: (ctx) => {
    const options = goOptions(ctx.repo.options);
    return options.sumdbDirect ? options.sumdbNames.map((name) => `https://${name}`) : [];
  },
  canonicalPath: canonicalGoPath,
  classify: classifyGoPath,
  upstreamUrl: goUpstreamUrl,
  indexOf: goIndexOf,
  companions: goCompanions,
  rewriters: {
    [GO_LIST]: taskRef<{ body: Uint8Array; ctx: RewriteContext }, RewriteResult>(new URL('./rewrite-list.js', import.meta.url), 'rewriteVersionList'),
  },
  inspectors: {
    [GO_INFO]: taskRef<{ body: Uint8Array; ctx: InspectContext }, Record<string, ArtifactFacts>>(new URL('./inspect-info.js', import.meta.url), 'inspectInfo'),
    [SUMDB_LOOKUP]: taskRef<{ body: Uint8Array; ctx: InspectContext }, Record<string, ArtifactFacts>>(new URL('./inspect-lookup.js', import.meta.url), 'inspectLookup'),
  },
  verifiers: {
    [ZIP_VERIFIER]: taskRef<VerifyInput, VerifyResult>(new URL('./verify.js', import.meta.url), 'verifyZipHash1'),
    [MOD_VERIFIER]: taskRef<VerifyInput, VerifyResult>(new URL('./verify.js', import.meta.url), 'verifyModHash1'),
  },
  mergers: {
    [GO_LIST]: taskRef<MergeInput, RewriteResult>(new URL('./merge-list.js', import.meta.url), 'mergeVersionLists'),
  },
});
