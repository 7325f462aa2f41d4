import { definePlugin } from '@artifactapi/plugin-sdk';
import { classifyRpmPath, rpmIndexOf } from './classify.js';
import { PRIMARY_INDEX, REPOMD_INDEX } from './layout.js';
import { RPM_OPTIONS } from './options.js';

/**
 * RPM repositories (dnf, yum): repomd.xml is served byte for byte (so repomd.xml.asc verifies)
 * and kept a consistent snapshot with the metadata it lists; metadata files are checked against
 * repomd.xml, packages against primary.xml, and quarantine refuses young packages with 451.
 */
export default definePlugin({
  type: 'rpm',
  description: 'RPM repositories (dnf, yum): repomd.xml snapshots, metadata and packages verified against their checksums',
  options: RPM_OPTIONS,
  classify: classifyRpmPath,
  indexOf: rpmIndexOf,
  inspectors: {
    [REPOMD_INDEX]: { module: new URL('./inspect-repomd.js', import.meta.url).href, export: 'inspectRepomd' },
    [PRIMARY_INDEX]: { module: new URL('./inspect-primary.js', import.meta.url).href, export: 'inspectPrimary' },
  },
});
