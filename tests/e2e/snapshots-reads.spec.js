// Snapshots (§7) and reads (§8, thesis §6.4) in the sandbox: logs compact into a snapshot block,
// a server that was away catches up by InstallSnapshot, GET returns the value in every read mode,
// and the stale-read scenario shows the two client operations that cannot be ordered.
const { test, expect } = require('@playwright/test');
const { openApp, waitForLeader, sendTo, nodeValues } = require('./helpers');

const events = (page) => page.getByTestId('event-list');

/** Opens the settings panel (a disclosure) if it is closed. */
async function openSettings(page) {
  const settings = page.locator('details.settings');
  if (!(await settings.evaluate((d) => d.open))) await settings.locator('summary').click();
}

test('logs compact into snapshots, and a returning server catches up by InstallSnapshot', async ({ page }) => {
  test.setTimeout(90_000);
  const errors = await openApp(page, '?nodes=3&seed=3&speed=1');
  const { leader } = await waitForLeader(page);
  const away = ['A', 'B', 'C'].find((n) => n !== leader);
  await page.getByTestId(`node-${away}`).click();
  await page.getByTestId('node-action-stop').click();
  // The sandbox snapshots every 10 applied entries.
  for (let i = 1; i <= 12; i++) await sendTo(page, leader, `ADD ${i}`);
  const leaderSnapshot = page.locator(`[data-testid="log-snapshot"][data-node="${leader}"]`);
  await expect(leaderSnapshot).toHaveAttribute('data-index', '10', { timeout: 30_000 });
  await expect(leaderSnapshot).toHaveText('≤10');
  await expect(page.locator(`[data-testid="log-snapshot"][data-node="${away}"]`)).toHaveCount(0);
  // Entries the snapshot replaced are gone from the table; the ones after it stay.
  await expect(page.locator(`[data-testid="log-entry"][data-node="${leader}"][data-index="3"]`)).toHaveCount(0);
  await expect(page.locator(`[data-testid="log-entry"][data-node="${leader}"][data-index="11"]`)).toBeVisible();

  await page.getByTestId(`node-${away}`).click();
  await page.getByTestId('node-action-restart').click();
  await expect(page.locator(`[data-testid="log-snapshot"][data-node="${away}"]`))
    .toHaveAttribute('data-index', '10', { timeout: 15_000 });
  await expect(events(page)).toContainText(`${away} installed the leader's snapshot up to index 10`);
  await expect.poll(async () => new Set(Object.values(await nodeValues(page))).size, { timeout: 10_000 }).toBe(1);
  expect((await nodeValues(page))[away]).toBe(String((12 * 13) / 2));
  await expect(page.getByTestId('invariants')).toHaveAttribute('data-ok', 'true');
  expect(errors).toEqual([]);
});

test('an InstallSnapshot message shows its fields by their paper names', async ({ page }) => {
  test.setTimeout(90_000);
  await openApp(page, '?nodes=3&seed=3&speed=0.1');
  const { leader } = await waitForLeader(page);
  const away = ['A', 'B', 'C'].find((n) => n !== leader);
  await page.getByTestId(`node-${away}`).click();
  await page.getByTestId('node-action-stop').click();
  await openSettings(page);
  // Snapshot after every 2 entries, so a few commands are enough.
  const threshold = page.getByTestId('snapshot-threshold');
  await threshold.fill('2');
  await threshold.dispatchEvent('change');
  for (let i = 1; i <= 4; i++) await sendTo(page, leader, `SET ${i}`);
  await expect(page.locator(`[data-testid="log-snapshot"][data-node="${leader}"]`)).toHaveCount(1, { timeout: 60_000 });
  // Paused, step event by event until the leader's InstallSnapshot is on its way.
  await page.getByTestId('btn-play-pause').click();
  await expect(page.getByTestId('btn-play-pause')).toHaveAttribute('aria-pressed', 'false');
  await page.getByTestId(`node-${away}`).click();
  await page.getByTestId('node-action-restart').click();
  const message = page.locator('[data-testid="message"][data-type="InstallSnapshot"]');
  for (let i = 0; i < 300 && (await message.count()) === 0; i++) {
    await page.getByTestId('btn-step').click();
  }
  await expect(message.first()).toBeAttached();
  await message.first().click({ force: true });
  const inspector = page.getByTestId('inspector-message');
  await expect(inspector).toContainText('lastIncludedIndex');
  await expect(inspector).toContainText('lastIncludedTerm');
});

test('GET returns the value, however reads are served', async ({ page }) => {
  const errors = await openApp(page, '?nodes=3&seed=5&speed=1');
  const { leader } = await waitForLeader(page);
  await sendTo(page, leader, 'SET 5');
  await sendTo(page, leader, 'ADD 2');
  const status = page.locator('.client-status').first();
  await expect(status).toHaveText('ADD 2 ✓ 7', { timeout: 10_000 });
  await openSettings(page);
  for (const mode of ['1', '2', '0']) {
    await page.getByTestId('read-mode').selectOption(mode);
    await sendTo(page, leader, 'GET');
    await expect(status).toHaveText('GET ✓ 7', { timeout: 10_000 });
    await sendTo(page, leader, 'ADD 1');
    await expect(status).toHaveText('ADD 1 ✓ 8', { timeout: 10_000 });
    await sendTo(page, leader, 'ADD -1');
    await expect(status).toHaveText('ADD -1 ✓ 7', { timeout: 10_000 });
  }
  // Through the log, a GET is an entry like any other.
  await expect(page.locator('[data-testid="log-entry"]', { hasText: 'GET' }).first()).toBeVisible();
  await expect(page.getByTestId('invariant').and(page.locator('[data-property="linearizable"]')))
    .toHaveAttribute('data-ok', 'true');
  expect(errors).toEqual([]);
});

test('stale-read: the monitor shows the two operations that cannot be ordered', async ({ page }) => {
  const errors = await openApp(page, '?scenario=stale-read&speed=1');
  const row = page.locator('[data-testid="invariant"][data-property="linearizable"]');
  await expect(row).toHaveAttribute('data-ok', 'false', { timeout: 30_000 });
  await expect(row).toContainText("client 1's GET returned 5");
  await expect(row).toContainText("client 2's SET 7 had finished before it was sent");
  const hot = row.locator('[data-testid="lin-op"][data-hot="true"]');
  await expect(hot).toHaveCount(2);
  await expect(row.getByTestId('lin-timeline')).toContainText('GET → 5');
  await expect(row.getByTestId('lin-timeline')).toContainText('SET 7 → 7');
  await row.screenshot({ path: 'target/e2e-results/stale-read-monitor.png' });
  expect(errors).toEqual([]);
});
