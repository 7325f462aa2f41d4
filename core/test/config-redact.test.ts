import test from 'ava';
import { parseConfig, redactConfig, redactString } from '../src/config/index.js';

const SECRETS = ['s3cr3t-admin', 'upstream-pw', 'plugin-token-value', 'pg-pass', 'redis-pass', 'aws-secret', 'AKIDEXAMPLE', 'qs-token'];

test('no credential appears anywhere in a redacted configuration', (t) => {
  const config = parseConfig(
    `auth: { admin_token: s3cr3t-admin }
metadata: { type: postgres, url: "postgres://art:pg-pass@db:5432/aapi" }
coordination: { type: redis, url: "redis://:redis-pass@cache:6379" }
storage: { type: s3, bucket: b, access_key_id: AKIDEXAMPLE, secret_access_key: aws-secret }
remotes:
  priv:
    package: npm
    base_url: "https://reader:upstream-pw@npm.example/?access_token=qs-token"
    auth_token: plugin-token-value
    nested: { client_secret: plugin-token-value }
`,
    { env: {} },
  );
  // the unredacted config really holds them, so the check below means something
  const raw = JSON.stringify(config);
  for (const secret of SECRETS) t.true(raw.includes(secret), secret);

  const redacted = JSON.stringify(redactConfig(config));
  for (const secret of SECRETS) t.false(redacted.includes(secret), secret);
  // what is not a credential survives
  t.true(redacted.includes('reader'));
  t.true(redacted.includes('postgres://art:***@db:5432/aapi'));
  t.true(redacted.includes('redis://:***@cache:6379'));
});

test('redaction is a deep copy and leaves the config untouched', (t) => {
  const config = parseConfig('auth: { admin_token: tok }\n', { env: {} });
  const redacted = redactConfig(config) as { auth: { admin_token: string } };
  t.is(redacted.auth.admin_token, '***');
  t.is(config.auth.admin_token, 'tok');
});

test('URL userinfo is hidden, a password containing @ included', (t) => {
  t.is(redactString('postgres://u:p@h/db'), 'postgres://u:***@h/db');
  t.is(redactString('postgres://u:p@ss@h/db'), 'postgres://u:***@h/db');
  t.is(redactString('https://ghp_abc@github.com/x'), 'https://***@github.com/x');
  t.is(redactString('see http://a:b@h1/ and http://c:d@h2/'), 'see http://a:***@h1/ and http://c:***@h2/');
  t.is(redactString('https://example.com/path?x=1'), 'https://example.com/path?x=1');
  t.is(redactString('https://h/p?a=1&X-Amz-Signature=abc'), 'https://h/p?a=1&X-Amz-Signature=***');
});
