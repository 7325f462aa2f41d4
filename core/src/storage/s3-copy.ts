import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  UploadPartCopyCommand,
} from '@aws-sdk/client-s3';
import type { CompletedPart, S3Client } from '@aws-sdk/client-s3';

/** The largest object a single CopyObject may copy (an S3 limit). */
export const MAX_SINGLE_COPY_BYTES = 5 * 1024 ** 3;
/** Part size of a multipart copy: 5 GiB max per part, 10,000 parts max, so up to 5 TiB. */
const COPY_PART_BYTES = 512 * 1024 ** 2;

export interface CopyRequest {
  bucket: string;
  from: string;
  to: string;
  /** Size of `from` in bytes, which picks the method. */
  size: number;
}

/**
 * Server-side copy of `from` to `to` within one bucket; no byte passes through this process.
 * Both methods publish atomically: readers see nothing at `to` until the copy completes.
 * Objects above 5 GiB need UploadPartCopy (CopyObject refuses them); s3rver does not implement
 * UploadPartCopy, so that path is exercised only against real S3, MinIO and Ceph.
 */
export async function copyObject(client: S3Client, request: CopyRequest): Promise<void> {
  const source = `${request.bucket}/${encodeKey(request.from)}`;
  if (request.size <= MAX_SINGLE_COPY_BYTES) {
    await client.send(new CopyObjectCommand({ Bucket: request.bucket, Key: request.to, CopySource: source }));
    return;
  }
  const { UploadId } = await client.send(
    new CreateMultipartUploadCommand({ Bucket: request.bucket, Key: request.to, ContentType: 'application/octet-stream' }),
  );
  try {
    const parts: CompletedPart[] = [];
    for (let start = 0, part = 1; start < request.size; start += COPY_PART_BYTES, part++) {
      const end = Math.min(request.size, start + COPY_PART_BYTES) - 1;
      const copied = await client.send(
        new UploadPartCopyCommand({
          Bucket: request.bucket,
          Key: request.to,
          UploadId,
          PartNumber: part,
          CopySource: source,
          CopySourceRange: `bytes=${start}-${end}`,
        }),
      );
      parts.push({ PartNumber: part, ETag: copied.CopyPartResult?.ETag });
    }
    await client.send(
      new CompleteMultipartUploadCommand({ Bucket: request.bucket, Key: request.to, UploadId, MultipartUpload: { Parts: parts } }),
    );
  } catch (err) {
    // Best effort: parts left behind are found by cleanOrphans only under tmp/, so drop them now.
    await client.send(new AbortMultipartUploadCommand({ Bucket: request.bucket, Key: request.to, UploadId })).catch(() => undefined);
    throw err;
  }
}

/** `x-amz-copy-source` is a URL path: encode each key segment, keep the slashes. */
function encodeKey(key: string): string {
  return key.split('/').map(encodeURIComponent).join('/');
}
