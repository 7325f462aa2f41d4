import { definePlugin, taskRef, type ArtifactFacts, type InspectContext, type VerifyInput, type VerifyResult } from '@artifactapi/plugin-sdk';
import { APK_INDEX, CONTROL_VERIFIER, alpineIndexOf, classifyAlpinePath } from './classify.js';

/**
 * Alpine apk repositories: APKINDEX.tar.gz served byte for byte (it is signed), packages verified
 * against the index's size and control-member checksum before they are stored, and refused with
 * 451 while younger than the repository's quarantine (by the index's build time).
 */
export default definePlugin({
  type: 'alpine',
  description: 'Alpine apk repositories: signed APKINDEX passed through, packages verified against its C: and S:',
  classify: classifyAlpinePath,
  indexOf: alpineIndexOf,
  inspectors: {
    [APK_INDEX]: taskRef<{ body: Uint8Array; ctx: InspectContext }, Record<string, ArtifactFacts>>(
      new URL('./inspect-index.js', import.meta.url),
      'inspectApkIndex',
    ),
  },
  verifiers: { [CONTROL_VERIFIER]: taskRef<VerifyInput, VerifyResult>(new URL('./verify-package.js', import.meta.url), 'verifyApkControl') },
});
