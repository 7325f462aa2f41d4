import { execFile } from 'node:child_process';
import { mkdir, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { Teardown } from './helpers/teardown.js';

/**
 * The browser of the UI tests: Debian's `chromium` (apt), driven by playwright-core, which brings
 * no browser of its own. CHROMIUM_BIN points elsewhere.
 */
export const CHROMIUM_BIN = process.env.CHROMIUM_BIN ?? '/usr/bin/chromium';

/** The probe of the service gate: the binary runs. */
export async function chromiumRuns(): Promise<void> {
  await promisify(execFile)(CHROMIUM_BIN, ['--headless', '--no-sandbox', '--version'], { timeout: 20_000 });
}

/** A headless Chromium closed when the test ends. */
export async function launchBrowser(t: Teardown): Promise<Browser> {
  const browser = await chromium.launch({
    executablePath: CHROMIUM_BIN,
    headless: true,
    // Root (CI, containers) cannot use Chromium's sandbox; /dev/shm is small in containers.
    args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu'],
  });
  t.teardown(() => browser.close());
  return browser;
}

/**
 * Where screenshots go: ARTIFACTAPI_SCREENSHOTS when set (e.g. docs/screenshots to refresh the
 * README's), else a fresh temp dir that is kept after the run so a person can look at them.
 */
export async function screenshotDir(): Promise<string> {
  const chosen = process.env.ARTIFACTAPI_SCREENSHOTS;
  if (chosen) {
    await mkdir(chosen, { recursive: true });
    return chosen;
  }
  return mkdtemp(join(tmpdir(), 'artifactapi-ui-screenshots-'));
}

/** Saves a full-page PNG named `name.png` and returns its path. */
export async function snap(page: Page, dir: string, name: string): Promise<string> {
  const file = join(dir, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}
