import { startUpstream } from '@artifactapi/plugin-sdk/testkit';
import { serviceGate } from '@artifactapi/core/testing/services';
import { startServe } from './helpers/serve-process.js';
import { tempDir, writeConfig } from './helpers/temp-dir.js';
import { accessibilityViolations, chromiumRuns, launchBrowser, screenshotDir, snap, type A11yViolation } from './ui-browser.js';

const TOKEN = 'ui-admin-7f3a9c-token';
const FILE_PATH = 'releases/v1.2.0/tool-linux-amd64.tar.gz';
const FILE_BODY = 'tool release bytes\n'.repeat(512);
/** 30 more files, pkg-00 (1000 bytes) to pkg-29 (30000 bytes): two pages of 25 with the file above. */
const PACKAGES = Array.from({ length: 30 }, (_, i) => ({ path: `pkgs/pkg-${String(i).padStart(2, '0')}.tgz`, body: 'p'.repeat((i + 1) * 1000) }));

const browser = await serviceGate('chromium (apt: chromium)', chromiumRuns, 20_000);

browser.serial('the web UI: sign in, create a remote through the form, browse what a client fetched, evict it, watch the events', async (t) => {
  const files = Object.fromEntries([[`/${FILE_PATH}`, FILE_BODY], ...PACKAGES.map((p) => [`/${p.path}`, p.body])]);
  const upstream = await startUpstream({ files });
  t.teardown(() => upstream.close());
  const dir = await tempDir(t);
  const config = await writeConfig(dir, 'auth: { admin_token: ${ADMIN_TOKEN} }\nremotes:\n  files: { type: local, package: generic }\n');
  // The server and the browser take seconds each to start: start them together.
  const [server, chromium] = await Promise.all([startServe(t, { config, env: { ADMIN_TOKEN: TOKEN } }), launchBrowser(t)]);
  const shots = await screenshotDir();
  t.log(`screenshots: ${shots}`);

  const page = await chromium.newPage({ viewport: { width: 1280, height: 860 }, colorScheme: 'light' });
  page.setDefaultTimeout(30_000); // generous: CI runs two test files at once on two cores
  // Each view is photographed and checked against WCAG 2.1 AA (axe-core) at the same moment.
  const a11y: Record<string, A11yViolation[]> = {};
  const look = async (name: string) => {
    await snap(page, shots, name);
    const found = await accessibilityViolations(page);
    if (found.length > 0) a11y[name] = found;
  };
  const pageErrors: string[] = [];
  page.on('pageerror', (err) => pageErrors.push(err.message));
  page.on('console', (message) => {
    if (message.type() === 'error') pageErrors.push(message.text());
  });

  // Sign in: a wrong token is refused on the form, the right one is kept for the tab.
  await page.goto(`${server.url}/ui/`);
  await page.getByLabel('Admin token').fill('not-the-token');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('alert').filter({ hasText: 'AAPI_ERR_AUTH_FORBIDDEN' }).waitFor();
  await look('login');
  await page.getByLabel('Admin token').fill(TOKEN);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { level: 1, name: 'Dashboard' }).waitFor();
  t.is(await page.evaluate(() => sessionStorage.getItem('artifactapi.token')), TOKEN);
  // The 401/403 of the wrong token made the browser log a failed request; nothing after may.
  pageErrors.length = 0;
  await page.reload();
  await page.getByRole('heading', { level: 1, name: 'Dashboard' }).waitFor(); // not asked again

  // Create a remote through the form.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Repositories' }).click();
  await page.getByRole('heading', { level: 1, name: 'Repositories' }).waitFor();
  await page.getByRole('link', { name: 'New repository' }).click();
  await page.getByLabel('Name', { exact: true }).fill('releases');
  await page.getByLabel('Package type').selectOption('generic');
  // The server's validation lands on the field it names.
  await page.getByLabel('Upstream URL').fill('ftp://127.0.0.1/');
  await page.getByRole('button', { name: 'Create repository' }).click();
  await page.locator('#base_url-error').waitFor();
  t.is(await page.getByLabel('Upstream URL').getAttribute('aria-invalid'), 'true');
  await look('repository-form-error');
  t.true(pageErrors.length === 1 && pageErrors[0]!.includes('status of 400'), pageErrors.join('\n')); // the browser logs the refused POST
  pageErrors.length = 0;
  await page.getByLabel('Upstream URL').fill(upstream.url);
  await page.getByRole('button', { name: 'Create repository' }).click();
  await page.getByRole('heading', { level: 1, name: 'releases' }).waitFor();
  const created = await api(server.url, '/api/v2/remotes/releases');
  t.is(created.status, 200);
  t.like(await created.json(), { name: 'releases', package: 'generic', base_url: upstream.url, source: 'api' });
  await page.getByText('Nothing cached yet.').waitFor();

  // A client fetches an artifact through it: a plain HTTP GET, no token.
  const download = await fetch(`${server.url}/api/v1/remote/releases/${FILE_PATH}`);
  t.is(download.status, 200);
  t.is(await download.text(), FILE_BODY);

  // It shows in the browse view: search finds it, with its size.
  await page.getByLabel('Search paths').fill('linux-amd64');
  const row = page.getByRole('row').filter({ hasText: FILE_PATH });
  await row.waitFor();
  t.true((await row.innerText()).includes('9.5 KiB'), await row.innerText());
  await look('repository-objects');

  // Sort and page: 31 objects, 25 a page; pkg-07 has the most hits, pkg-29 is the largest.
  // Each body is read to its end: the server counts a hit when its response has finished.
  const get = async (path: string) => {
    const res = await fetch(`${server.url}/api/v1/remote/releases/${path}`);
    await res.arrayBuffer();
    t.is(res.status, 200, path);
  };
  await Promise.all(PACKAGES.map((p) => get(p.path)));
  for (let i = 0; i < 3; i++) await get(PACKAGES[7]!.path);
  await page.getByLabel('Search paths').fill('');
  await page.getByLabel('Objects per page').selectOption('25');
  const rows = page.locator('table.objects tbody tr');
  const firstPath = async () => (await rows.first().locator('th').innerText()).trim();
  await page.getByRole('button', { name: 'Size' }).click();
  await rows.first().filter({ hasText: 'pkgs/pkg-29.tgz' }).waitFor();
  t.is(await rows.count(), 25);
  await page.getByRole('button', { name: 'Next' }).click();
  await page.getByText('Page 2').waitFor();
  await rows.first().filter({ hasText: 'pkgs/pkg-05.tgz' }).waitFor(); // 26th largest
  t.is(await rows.count(), 6);
  t.true(await page.getByRole('button', { name: 'Next' }).isDisabled());
  await page.getByRole('button', { name: 'Previous' }).click();
  await rows.first().filter({ hasText: 'pkgs/pkg-29.tgz' }).waitFor();
  await page.getByRole('button', { name: 'Hits' }).click();
  await rows.first().filter({ hasText: 'pkgs/pkg-07.tgz' }).waitFor();
  t.is((await rows.first().locator('td').nth(1).innerText()).trim(), '3', await firstPath());
  await look('repository-sorted');
  await page.getByLabel('Search paths').fill('linux-amd64');
  await rows.first().filter({ hasText: FILE_PATH }).waitFor();

  // Client set-up carries this server's real URL and the repository's name.
  await page.getByRole('link', { name: 'Client set-up' }).click();
  await page.getByText(`curl -fO ${server.url}/api/v1/remote/releases/<path>`).waitFor();

  // An npm remote's set-up names npm, pnpm and yarn with the registry URL (created through the API).
  t.is((await api(server.url, '/api/v2/remotes', { method: 'POST', body: { name: 'npmjs', type: 'remote', package: 'npm', base_url: upstream.url } })).status, 201);
  await page.goto(`${server.url}/ui/#/repositories/npmjs/setup`);
  await page.getByText(`npm config set registry ${server.url}/api/v1/remote/npmjs/`).waitFor();
  await page.getByText(`pnpm install --registry ${server.url}/api/v1/remote/npmjs/`).waitFor();
  await page.getByText(`npmRegistryServer: "${server.url}/api/v1/remote/npmjs/"`).waitFor();
  await look('client-setup');

  // Evict it from the browse view, behind a confirmation dialog.
  await page.goto(`${server.url}/ui/#/repositories/releases`);
  await page.getByRole('row').filter({ hasText: FILE_PATH }).getByRole('button', { name: `Evict ${FILE_PATH}` }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByRole('button', { name: 'Evict' }).click();
  await page.getByRole('status').filter({ hasText: `Evicted 1 object: ${FILE_PATH}` }).waitFor();
  await page.getByRole('row').filter({ hasText: FILE_PATH }).waitFor({ state: 'detached' });
  const listed = (await (await api(server.url, '/api/v2/remotes/releases/objects?limit=1000')).json()) as { objects: { path: string }[] };
  t.deepEqual(listed.objects.map((o) => o.path).sort(), PACKAGES.map((p) => p.path), 'only the evicted object is gone');

  // The live event view has the fetch and the eviction, which arrived while other pages were open.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Events' }).click();
  await page.getByRole('heading', { level: 1, name: 'Live events' }).waitFor();
  const events = page.getByRole('list', { name: 'Events, newest first' }).getByRole('listitem');
  await events.filter({ hasText: 'evict' }).filter({ hasText: FILE_PATH }).waitFor();
  await events.filter({ hasText: 'fetch' }).filter({ hasText: FILE_PATH }).waitFor();
  await look('events');

  // A fresh event arrives while the view is open: evicted, so the next GET is a fetch again.
  await (await fetch(`${server.url}/api/v1/remote/releases/${FILE_PATH}`)).arrayBuffer();
  await events.filter({ hasText: 'fetch' }).filter({ hasText: FILE_PATH }).nth(1).waitFor();
  t.regex(await events.first().innerText(), /fetch/);

  // Edit the remote through its form: a denied-path pattern, kept by the API.
  await page.goto(`${server.url}/ui/#/repositories/releases/edit`);
  await page.getByLabel('Denied paths').fill('\\.sig$');
  await page.getByText('More options (JSON)').click(); // the rest of the block, as GET gave it
  await look('repository-edit');
  await page.getByRole('button', { name: 'Save changes' }).click();
  await page.getByRole('heading', { level: 1, name: 'releases' }).waitFor();
  t.like(await (await api(server.url, '/api/v2/remotes/releases')).json(), { blocklist: ['\\.sig$'], base_url: upstream.url });

  // Delete the npm remote from the list, behind its dialog.
  await page.getByRole('link', { name: 'Repositories', exact: true }).first().click();
  await page.getByRole('button', { name: 'Delete npmjs' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Delete' }).click();
  await page.getByRole('status').filter({ hasText: 'Deleted npmjs.' }).waitFor();
  t.is((await api(server.url, '/api/v2/remotes/npmjs')).status, 404);
  await look('repositories');

  // The dashboard counts the requests: 4 hits (pkg-07 three times, the file now) and 32 misses
  // (the file twice, 30 packages), in total and for the repository.
  await (await fetch(`${server.url}/api/v1/remote/releases/${FILE_PATH}`)).arrayBuffer();
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Dashboard' }).click();
  await page.getByRole('region', { name: 'Totals' }).getByText('4 hits · 32 misses').waitFor();
  await page.getByRole('row', { name: /releases/ }).getByText('11.1 %').waitFor();
  await look('dashboard');

  // Signing out forgets the token: the next visit asks for it.
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.getByLabel('Admin token').waitFor();
  t.is(await page.evaluate(() => sessionStorage.getItem('artifactapi.token')), null);

  t.deepEqual(pageErrors, [], 'no script error and no failed request in the page');
  t.deepEqual(a11y, {}, 'no WCAG 2.1 A/AA violation on any view');
  // EventSource puts the token in the URL: it must not reach the request log.
  t.false(server.stdout().includes(TOKEN), 'the admin token is never logged');
});

/** An authenticated management API call from the test itself. */
function api(base: string, path: string, init: { method?: string; body?: unknown } = {}): Promise<Response> {
  return fetch(`${base}${path}`, {
    method: init.method ?? 'GET',
    headers: { authorization: `Bearer ${TOKEN}`, ...(init.body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
}
