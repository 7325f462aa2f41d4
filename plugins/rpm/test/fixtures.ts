import { readFile } from 'node:fs/promises';

/** A fixture file's bytes (test/fixtures/, next to the compiled tests' sources). */
export function fixture(name: string): Promise<Buffer> {
  return readFile(new URL(`../../test/fixtures/${name}`, import.meta.url));
}

export const UPSTREAM = 'https://repo.almalinux.org/almalinux';
export const ROOT = '9/BaseOS/x86_64/os/';
