import { DeleteObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import test from 'ava';
import { startS3rver } from './helpers/s3rver.js';

// The tests' S3 is s3rver, which keeps keys in directories and used to remove one when its last
// object went; a PUT into that directory at the same moment then crashed the server (helpers/s3rver.ts).
test('s3rver: puts and deletes meeting in one directory leave the server up', async (t) => {
  const s3 = await startS3rver();
  t.teardown(() => s3.close());
  const client = new S3Client({
    endpoint: s3.endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
  });
  t.teardown(() => client.destroy());
  const put = (key: string) => client.send(new PutObjectCommand({ Bucket: s3.bucket, Key: key, Body: 'x' }));
  await put('tmp/0');
  for (let i = 1; i <= 300; i++) {
    // The directory's only object goes while the next one arrives.
    await Promise.all([client.send(new DeleteObjectCommand({ Bucket: s3.bucket, Key: `tmp/${i - 1}` })), put(`tmp/${i}`)]);
  }
  await t.notThrowsAsync(put('tmp/last'));
});
