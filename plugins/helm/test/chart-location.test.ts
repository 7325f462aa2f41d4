import test from 'ava';
import { chartHosts, proxyPathOf, upstreamUrlOf } from '../src/chart-location.js';

const hosts = chartHosts('https://Charts.Example.com:443/stable/', { files_url: 'https://github.com/' });

test('chart URLs map to repository paths by where they live', (t) => {
  t.is(proxyPathOf('https://charts.example.com/stable/x-1.0.0.tgz', hosts), 'x-1.0.0.tgz');
  t.is(proxyPathOf('https://CHARTS.example.com/stable/sub/x-1.0.0.tgz', hosts), 'sub/x-1.0.0.tgz');
  t.is(proxyPathOf('charts/x-1.0.0.tgz', hosts), 'charts/x-1.0.0.tgz');
  t.is(proxyPathOf('./charts/x-1.0.0.tgz', hosts), 'charts/x-1.0.0.tgz');
  t.is(proxyPathOf('../releases/x-1.0.0.tgz', hosts), '-/origin/releases/x-1.0.0.tgz');
  t.is(proxyPathOf('/releases/x-1.0.0.tgz', hosts), '-/origin/releases/x-1.0.0.tgz');
  t.is(proxyPathOf('https://github.com/org/repo/releases/download/x-1.0.0/x-1.0.0.tgz', hosts), '-/files/org/repo/releases/download/x-1.0.0/x-1.0.0.tgz');
  t.is(proxyPathOf('https://charts.example.com/stable/-/x-1.0.0.tgz', hosts), '-/origin/stable/-/x-1.0.0.tgz', 'a real -/ folder cannot pass for a prefix');
});

test('URLs the proxy cannot fetch are not mapped', (t) => {
  t.is(proxyPathOf('https://other.example.org/x-1.0.0.tgz', hosts), undefined);
  t.is(proxyPathOf('http://charts.example.com/stable/x-1.0.0.tgz', hosts), undefined, 'another scheme is another origin');
  t.is(proxyPathOf('https://charts.example.com/stable/x-1.0.0.tgz?token=1', hosts), undefined);
  t.is(proxyPathOf('https://user:pw@charts.example.com/stable/x-1.0.0.tgz', hosts), undefined);
  t.is(proxyPathOf('oci://charts.example.com/stable/x', hosts), undefined);
  t.is(proxyPathOf('http://[::1', hosts), undefined);
});

test('upstreamUrlOf is the reverse of proxyPathOf', (t) => {
  for (const url of [
    'https://charts.example.com/stable/x-1.0.0.tgz',
    'https://charts.example.com/stable/sub/x%20y-1.0.0.tgz',
    'https://charts.example.com/releases/x-1.0.0.tgz',
    'https://github.com/org/repo/releases/download/x-1.0.0/x-1.0.0.tgz',
  ]) {
    t.is(upstreamUrlOf(proxyPathOf(url, hosts)!, hosts), url);
  }
  t.throws(() => upstreamUrlOf('-/files/x.tgz', chartHosts('https://charts.example.com', {})), { message: /no files_url/ });
});
