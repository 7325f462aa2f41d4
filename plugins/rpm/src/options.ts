import type { OptionsSchema } from '@artifactapi/plugin-sdk';

export type SnapshotPolicy = 'xml' | 'all' | 'none';

const POLICIES: readonly SnapshotPolicy[] = ['xml', 'all', 'none'];

/** The rpm type's repository keys. */
export const RPM_OPTIONS: OptionsSchema = {
  properties: {
    snapshot_metadata: {
      enum: POLICIES,
      default: 'xml',
      description:
        'Which metadata files a new repomd.xml must have stored before it is served, so clients holding any served repomd.xml can fetch what it names: ' +
        'xml (primary, filelists, other, comps, updateinfo, modules…: what dnf reads), all (also the sqlite _db and zchunk _zck variants), none.',
      'x-expected': 'one of xml, all, none',
    },
  },
};

/** The repository's snapshot policy (default `xml`). */
export function snapshotPolicy(options: Readonly<Record<string, unknown>>): SnapshotPolicy {
  const value = options.snapshot_metadata;
  return POLICIES.includes(value as SnapshotPolicy) ? (value as SnapshotPolicy) : 'xml';
}
