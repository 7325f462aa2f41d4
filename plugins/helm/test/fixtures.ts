import { readFile } from 'node:fs/promises';

/** Reads a fixture file from test/fixtures (the tests run from dist/test). */
export function fixture(name: string): Promise<Buffer> {
  return readFile(new URL(`../../test/fixtures/${name}`, import.meta.url));
}

/** The upstream every fixture index was written for. */
export const UPSTREAM = 'https://charts.example.com/stable';
/** The public base every expected output was written for. */
export const PUBLIC_BASE = 'http://proxy.test/api/v1/remote/charts';
