import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** Every named token starts with this, so scanners (and people) recognise a leaked one. */
export const TOKEN_PREFIX = 'aapi_';
const SECRET_BYTES = 32;
/** `aapi_` and 32 bytes in unpadded base64url. */
const SECRET_SHAPE = /^aapi_[A-Za-z0-9_-]{43}$/;

/** A new secret: 256 random bits, shown to the client once. */
export function newTokenSecret(): string {
  return TOKEN_PREFIX + randomBytes(SECRET_BYTES).toString('base64url');
}

/** Whether a presented credential can be a named token at all (anything else is not looked up). */
export function looksLikeTokenSecret(value: string): boolean {
  return SECRET_SHAPE.test(value);
}

/**
 * The stored form of a secret: sha256 hex. The secret is 256 random bits, so no dictionary or
 * brute force applies and a slow password hash would only slow every request down.
 */
export function hashTokenSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

/** Compares two hashes without leaking where they differ. */
export function sameHash(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
