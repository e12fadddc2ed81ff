// Time travel and sharing: step back, scrub, fork, share links that replay exactly, and JSON
// export and import.
const { test, expect } = require('@playwright/test');
const { openApp, waitForLeader, sendTo, snapshot } = require('./helpers');
const fs = require('fs');
const os = require('os');
const path = require('path');

const now = async (page) => Number(await page.getByTestId('sim-time').getAttribute('data-us'));

test('step back and forward one event, scrub, and fork by acting in the past', async ({ page }) => {
  const errors = await openApp(page, '?speed=1&seed=3');
  const { leader } = await waitForLeader(page);
  await sendTo(page, leader, 'SET 5');
  await expect.poll(() => page.locator('[data-testid="log-entry"][data-committed="true"]').count(), { timeout: 10_000 })
    .toBeGreaterThan(2);
  await page.getByTestId('btn-play-pause').click();
  const present = await snapshot(page);

  // One event back, one forward: the same picture.
  await page.getByTestId('btn-step-back').click();
  await expect(page.getByTestId('timeline')).toHaveAttribute('data-live', 'false');
  expect(await now(page)).toBeLessThanOrEqual(Number(present.time));
  await page.getByTestId('btn-to-live').click();
  await expect(page.getByTestId('timeline')).toHaveAttribute('data-live', 'true');
  expect(await snapshot(page)).toEqual(present);

  // Scrub to the very start: no leader, no entries.
  await page.getByTestId('timeline-scrub').fill('0');
  await expect(page.getByTestId('timeline')).toHaveAttribute('data-now', '0');
  await expect(page.locator('[data-testid="log-entry"]')).toHaveCount(0);
  await expect(page.locator('[data-role="leader"]')).toHaveCount(0);
  // Forward again through the recorded run (replaying the recorded SET 5 at its moment).
  await page.getByTestId('btn-to-live').click();
  expect(await snapshot(page)).toEqual(present);

  // Acting in the past forks: the recorded future is replaced.
  const end = Number(await page.getByTestId('timeline').getAttribute('data-end'));
  await page.getByTestId('timeline-scrub').fill(String(Math.floor(end / 2)));
  await expect(page.getByTestId('timeline')).toHaveAttribute('data-live', 'false');
  await page.getByTestId('node-A').click();
  await page.getByTestId('node-action-timeout').click();
  await expect(page.getByTestId('timeline')).toHaveAttribute('data-live', 'true');
  const forkEnd = Number(await page.getByTestId('timeline').getAttribute('data-end'));
  expect(forkEnd).toBeLessThan(end);
  expect(errors).toEqual([]);
});

test('a share link opens the same run at the same moment in a new page', async ({ page, context }) => {
  const errors = await openApp(page, '?speed=1&seed=11');
  const { leader } = await waitForLeader(page);
  await sendTo(page, leader, 'SET 5');
  await page.waitForTimeout(300);
  await page.getByTestId(`node-${leader}`).click();
  await page.getByTestId('node-action-stop').click();
  await page.waitForTimeout(500);
  await page.getByTestId('btn-play-pause').click();
  const original = await snapshot(page);
  await page.getByTestId('share-link').click();
  const url = await page.getByTestId('share-url').inputValue();
  expect(url).toMatch(/\?run=3\.[A-Za-z0-9_-]+&at=\d+$/);

  const other = await context.newPage();
  const otherErrors = await openApp(other, url.slice(url.indexOf('?')));
  await expect(other.getByTestId('sim-time')).toHaveAttribute('data-us', original.time);
  expect(await snapshot(other)).toEqual(original);
  await expect(other.getByTestId('btn-play-pause')).toHaveAttribute('aria-pressed', 'false');
  expect(errors).toEqual([]);
  expect(otherErrors).toEqual([]);
});

test('a share link carries the language the reader chose', async ({ page, context }) => {
  const errors = await openApp(page, '?speed=1&seed=11&lang=zh');
  await waitForLeader(page);
  await page.getByTestId('share-link').click();
  const url = await page.getByTestId('share-url').inputValue();
  expect(url).toMatch(/\?run=3\.[A-Za-z0-9_-]+&at=\d+&lang=zh$/);
  const other = await context.newPage();
  await openApp(other, url.slice(url.indexOf('?')));
  await expect(other.locator('html')).toHaveAttribute('lang', 'zh');
  expect(errors).toEqual([]);
});

test('a broken share link gets a clear message and a fresh cluster', async ({ page }) => {
  await openApp(page, '?run=1.@@@not-base64&at=5');
  await expect(page.getByTestId('error-banner')).toContainText('shared link could not be opened');
  await expect(page.locator('[data-testid^="node-"][data-role]')).toHaveCount(5);
});

test('export a run as JSON and import it again; a bad file leaves the run untouched', async ({ page }) => {
  const errors = await openApp(page, '?speed=1&seed=21');
  const { leader } = await waitForLeader(page);
  await sendTo(page, leader, 'ADD 4');
  await expect.poll(() => page.locator('[data-testid="log-entry"][data-committed="true"]').count(), { timeout: 10_000 })
    .toBeGreaterThan(0);
  await page.getByTestId('btn-play-pause').click();
  const exported = await snapshot(page);
  // Export JSON opens the studio (where run files are written and read) with this run, and the
  // studio saves it.
  const [studio] = await Promise.all([page.context().waitForEvent('page'), page.getByTestId('btn-export').click()]);
  const download = await studio.waitForEvent('download');
  expect(new URL(studio.url()).pathname).toBe('/studio/');
  await studio.close();
  const file = path.join(os.tmpdir(), `raftsim-${Date.now()}.json`);
  await download.saveAs(file);
  const json = JSON.parse(fs.readFileSync(file, 'utf8'));
  expect(json.format).toBe('raftsim-run');

  // Run files open in the studio, a page of its own (its JSON reader stays out of this page).
  await expect(page.getByTestId('import-file-link')).toHaveAttribute('href', 'studio/?lang=en');
  await page.goto('/studio/');
  await page.getByTestId('brand').waitFor();

  // A different run, then the import brings the exported one back exactly.
  await page.locator('details.settings summary').click();
  await page.getByTestId('cluster-size').selectOption('3');
  await expect(page.locator('[data-testid^="node-"][data-role]')).toHaveCount(3);
  await page.getByTestId('import-file').setInputFiles(file);
  await expect(page.locator('[data-testid^="node-"][data-role]')).toHaveCount(5);
  expect(await snapshot(page)).toEqual(exported);

  // Hostile or broken files: a clear message, and the run stays as it was.
  const bad = path.join(os.tmpdir(), `raftsim-bad-${Date.now()}.json`);
  for (const content of ['{"format":"raftsim-run","version":99}', '{"format":', '[1,2,3]',
    JSON.stringify({ ...json, config: { ...json.config, sead: 1 } })]) {
    fs.writeFileSync(bad, content);
    await page.getByTestId('import-file').setInputFiles(bad);
    await expect(page.getByTestId('error-banner')).toContainText('could not be imported');
    expect(await snapshot(page)).toEqual(exported);
    await page.getByRole('button', { name: 'Dismiss' }).click();
  }
  expect(errors).toEqual([]);
});
