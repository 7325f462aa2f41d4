import test from 'ava';
import { checkClassifications, testContext } from '@artifactapi/plugin-sdk/testkit';
import plugin from '../src/index.js';

const ctx = testContext(plugin, { baseUrl: 'https://repo.almalinux.org/almalinux' });
const SHA256 = '0c929037e94d03095f9933c2306fb6d883ef93203976fefaeabbc157ebb1cd37';

test('repomd.xml is the mutable snapshot index; hash-named metadata and packages are immutable; the rest is mutable', (t) => {
  t.deepEqual(
    checkClassifications(
      plugin,
      [
        { path: '9/BaseOS/x86_64/os/repodata/repomd.xml', cache: 'mutable', index: 'rpm-repomd' },
        { path: 'repodata/repomd.xml', cache: 'mutable', index: 'rpm-repomd' },
        { path: '9/BaseOS/x86_64/os/repodata/repomd.xml.asc', cache: 'mutable' },
        { path: '9/BaseOS/x86_64/os/repodata/repomd.xml.key', cache: 'mutable' },
        { path: `9/BaseOS/x86_64/os/repodata/${SHA256}-primary.xml.gz`, cache: 'immutable', index: 'rpm-primary' },
        { path: `9/BaseOS/x86_64/os/repodata/${SHA256}-primary.xml.zst`, cache: 'immutable', index: 'rpm-primary' },
        { path: `9/BaseOS/x86_64/os/repodata/${SHA256}-primary.xml`, cache: 'immutable', index: 'rpm-primary' },
        { path: `9/BaseOS/x86_64/os/repodata/${SHA256}-primary.sqlite.bz2`, cache: 'immutable' },
        { path: `9/BaseOS/x86_64/os/repodata/${SHA256}-filelists.xml.gz`, cache: 'immutable' },
        { path: `9/BaseOS/x86_64/os/repodata/${SHA256}-comps-BaseOS.x86_64.xml`, cache: 'immutable' },
        { path: '9/BaseOS/x86_64/os/repodata/comps-BaseOS.x86_64.xml', cache: 'mutable' },
        { path: '9/BaseOS/x86_64/os/Packages/bash-5.1.8-9.el9.x86_64.rpm', cache: 'immutable' },
        { path: 'releases/41/Everything/x86_64/os/Packages/b/bash-5.2.32-1.fc41.x86_64.rpm', cache: 'immutable' },
        { path: '9/BaseOS/Source/tree/Packages/bash-5.1.8-9.el9.src.rpm', cache: 'immutable' },
        { path: 'updates/41/x86_64/drpms/bash-5.2.32-1.fc41_5.2.37-1.fc41.x86_64.drpm', cache: 'immutable' },
        { path: '9/BaseOS/x86_64/os/.treeinfo', cache: 'mutable' },
        { path: 'RPM-GPG-KEY-AlmaLinux-9', cache: 'mutable' },
        { path: '9/BaseOS/x86_64/os/images/install.img', cache: 'mutable' },
        { path: 'myrepodata/repomd.xml', cache: 'mutable' },
      ],
      ctx,
    ),
    [],
  );
});

test('a hash-named metadata file must hash to its name (sha1, sha256, sha512); md5 names give no digest', (t) => {
  t.deepEqual(plugin.classify(`r/repodata/${SHA256}-other.xml.gz`, ctx).expectedDigest, { algorithm: 'sha256', hex: SHA256 });
  t.deepEqual(plugin.classify(`repodata/${'a'.repeat(128)}-other.xml.gz`, ctx).expectedDigest, { algorithm: 'sha512', hex: 'a'.repeat(128) });
  t.deepEqual(plugin.classify(`repodata/${'b'.repeat(40)}-other.xml.gz`, ctx).expectedDigest, { algorithm: 'sha1', hex: 'b'.repeat(40) });
  t.is(plugin.classify(`repodata/${'c'.repeat(32)}-other.xml.gz`, ctx).expectedDigest, undefined);
  t.is(plugin.classify('repodata/repomd.xml', ctx).expectedDigest, undefined);
});

test('only repomd.xml is a snapshot document; signatures and keys are served as stored, never as an index', (t) => {
  t.true(plugin.classify('9/BaseOS/x86_64/os/repodata/repomd.xml', ctx).snapshot);
  for (const path of ['repodata/repomd.xml.asc', 'repodata/repomd.xml.key', `repodata/${SHA256}-primary.xml.gz`]) {
    t.falsy(plugin.classify(path, ctx).snapshot, path);
  }
  t.is(plugin.classify('repodata/repomd.xml.asc', ctx).index, undefined);
});

test('metadata is listed by its repomd.xml; a package by the primary its repository root’s repomd.xml names', (t) => {
  t.deepEqual(plugin.indexOf(`9/BaseOS/x86_64/os/repodata/${SHA256}-primary.xml.gz`, ctx), {
    path: '9/BaseOS/x86_64/os/repodata/repomd.xml',
    index: 'rpm-repomd',
  });
  t.deepEqual(plugin.indexOf('9/BaseOS/x86_64/os/Packages/bash-5.1.8-9.el9.x86_64.rpm', ctx), {
    listedIn: { path: '9/BaseOS/x86_64/os/repodata/repomd.xml', index: 'rpm-repomd' },
    role: 'primary',
    index: 'rpm-primary',
  });
  const fedora = plugin.indexOf('releases/41/Everything/x86_64/os/Packages/b/bash-5.2.32-1.fc41.x86_64.rpm', ctx);
  t.deepEqual(fedora && 'listedIn' in fedora ? fedora.listedIn.path : undefined, 'releases/41/Everything/x86_64/os/repodata/repomd.xml');
  const flat = plugin.indexOf('myrepo/tool-1.0-1.noarch.rpm', ctx);
  t.deepEqual(flat && 'listedIn' in flat ? flat.listedIn.path : undefined, 'myrepo/repodata/repomd.xml', 'a flat createrepo directory');
  const top = plugin.indexOf('tool-1.0-1.noarch.rpm', ctx);
  t.deepEqual(top && 'listedIn' in top ? top.listedIn.path : undefined, 'repodata/repomd.xml');
  for (const path of ['repodata/repomd.xml', 'repodata/repomd.xml.asc', 'repodata/repomd.xml.key', '.treeinfo', 'x.drpm']) {
    t.is(plugin.indexOf(path, ctx), undefined, path);
  }
});
