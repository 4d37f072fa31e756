// Images in an S3-compatible bucket, for several servers sharing their media. Its own module so
// that the AWS SDK is loaded only when a bucket is configured (storage.ts, createMediaStore).
import { Readable } from "node:stream";
import { DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { checkPut, contentTypeOf, type MediaStore } from "./storage.ts";

export interface S3StoreOptions {
  endpoint: string;
  bucket: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** The bucket's public address (or a CDN's in front of it), when readers may fetch from it. */
  publicUrl?: string;
}

export type S3MediaStore = MediaStore & { destroy(): void };

/** An S3-compatible bucket (AWS, R2, B2, MinIO, Garage…). */
export function s3Store(options: S3StoreOptions): S3MediaStore {
  const client = new S3Client({
    endpoint: options.endpoint,
    region: options.region,
    credentials: { accessKeyId: options.accessKeyId, secretAccessKey: options.secretAccessKey },
    // Bucket in the path, not the host name: what S3-compatible servers other than AWS expect.
    forcePathStyle: true,
    // The SDK's default CRC32 checksums on every request are refused by many S3-compatible stores.
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
  });
  const Bucket = options.bucket;
  const base = options.publicUrl?.replace(/\/+$/, "");
  return {
    async put(key, bytes, contentType) {
      checkPut(key, contentType);
      await client.send(
        new PutObjectCommand({
          Bucket,
          Key: key,
          Body: bytes,
          ContentType: contentType,
          ContentLength: bytes.byteLength,
          // A key names one content for ever.
          CacheControl: "public, max-age=31536000, immutable",
        }),
      );
    },
    async get(key) {
      contentTypeOf(key);
      try {
        const object = await client.send(new GetObjectCommand({ Bucket, Key: key }));
        if (!(object.Body instanceof Readable)) throw new Error(`S3 gave ${key} without a readable body`);
        return {
          stream: object.Body,
          contentType: object.ContentType ?? contentTypeOf(key),
          size: object.ContentLength ?? 0,
          etag: object.ETag ?? "",
        };
      } catch (e) {
        if (isNotFound(e)) return null;
        throw e;
      }
    },
    async has(key) {
      contentTypeOf(key);
      try {
        await client.send(new HeadObjectCommand({ Bucket, Key: key }));
        return true;
      } catch (e) {
        if (isNotFound(e)) return false;
        throw e;
      }
    },
    async delete(key) {
      contentTypeOf(key);
      await client.send(new DeleteObjectCommand({ Bucket, Key: key }));
    },
    publicUrl(key) {
      contentTypeOf(key);
      return base ? `${base}/${key}` : undefined;
    },
    destroy() {
      client.destroy();
    },
  };
}

function isNotFound(e: unknown): boolean {
  if (!(e instanceof Error)) return false;
  const status = (e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  // A missing bucket is a 404 too, but a misconfiguration to report, not an absent image.
  if (e.name === "NoSuchBucket") return false;
  return e.name === "NoSuchKey" || e.name === "NotFound" || status === 404;
}
