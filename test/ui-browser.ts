import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
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
  // Notices fade after seconds and would only cover the view. Hidden through the CSSOM: the
  // page's CSP refuses an injected stylesheet (playwright's `style` option) and says so in the console.
  await toastsVisibility(page, 'hidden');
  await page.screenshot({ path: file, fullPage: true });
  await toastsVisibility(page, '');
  return file;
}

interface StyledDocument {
  querySelector(selector: string): { style: { visibility: string } } | null;
}

async function toastsVisibility(page: Page, visibility: string): Promise<void> {
  await page.evaluate((value) => {
    // A full-page capture of a scrolled page draws the sticky top bar where the scroll left it.
    (globalThis as unknown as { scrollTo(x: number, y: number): void }).scrollTo(0, 0);
    const toasts = (globalThis as unknown as { document: StyledDocument }).document.querySelector('.toasts');
    if (toasts) toasts.style.visibility = value;
  }, visibility);
}

/** One WCAG finding of axe-core: the rule, how bad, and the elements. */
export interface A11yViolation {
  id: string;
  impact: string | null;
  help: string;
  targets: string[];
}

let axeSource: Promise<string> | undefined;

/**
 * Runs axe-core's WCAG 2.1 A and AA rules on the page as it is. The engine is evaluated through
 * the DevTools protocol, which the page's Content-Security-Policy (no inline script) does not apply to.
 */
export async function accessibilityViolations(page: Page): Promise<A11yViolation[]> {
  axeSource ??= readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
  const source = await axeSource;
  await page.evaluate(source);
  return page.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run(context: unknown, options: unknown): Promise<{ violations: { id: string; impact: string | null; help: string; nodes: { target: unknown[] }[] }[] }> } }).axe;
    const result = await axe.run(globalThis, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.map((n) => n.target.join(' ')) }));
  });
}
