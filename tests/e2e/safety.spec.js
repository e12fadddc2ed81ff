// The safety monitor and the "break Raft" scenarios: with a rule switched off the checker catches
// the violation, pauses the run and names what broke; with the rule kept the same script is safe.
const { test, expect } = require('@playwright/test');
const { openApp } = require('./helpers');

// The properties the monitor is expected to flag first. The run pauses at the end of the frame
// that found the first violation, so a second one found in the same frame may show too.
const CASES = [
  ['figure8', ['Leader Completeness', 'Committed entries are durable']],
  ['vote-without-log-check', ['Leader Completeness']],
  ['forget-vote-on-restart', ['One vote per term', 'Election Safety']],
  ['skip-prev-log-check', ['Log Matching']],
  ['membership-bug', ['Majorities overlap', 'Election Safety', 'Leader Completeness']],
  ['stale-read', ['linearizable']],
];

for (const [slug, properties] of CASES) {
  test(`${slug}: the monitor catches it, and keeping the rule keeps it safe`, async ({ page }) => {
    const errors = await openApp(page, `?scenario=${slug}&speed=1`);
    const monitor = page.getByTestId('invariants');
    await expect(monitor).toHaveAttribute('data-ok', 'true');
    await expect(monitor).toHaveAttribute('data-ok', 'false', { timeout: 30_000 });
    const broken = await monitor.locator('[data-testid="invariant"][data-ok="false"]').evaluateAll(
      (rows) => rows.map((r) => r.dataset.property));
    expect(broken.some((p) => properties.includes(p)), `flagged: ${broken}`).toBe(true);
    // The run paused itself, and the banner says what broke.
    await expect(page.getByTestId('btn-play-pause')).toHaveAttribute('aria-pressed', 'false');
    await expect(page.getByTestId('error-banner')).toContainText('Safety violated');
    await expect(page.locator('.violating').first()).toBeVisible();

    // The same script with the rule kept.
    await page.getByTestId('scenario-toggle').click();
    await expect(page.getByTestId('scenario')).toHaveAttribute('data-broken', 'false');
    await expect(monitor).toHaveAttribute('data-ok', 'true');
    // Let the whole script play out (the scripts are a few virtual seconds long).
    await page.waitForTimeout(6_000);
    await expect(monitor).toHaveAttribute('data-ok', 'true');
    expect(errors).toEqual([]);
  });
}

test('livelock: equal timeouts keep the cluster leaderless, random ones elect a leader', async ({ page }) => {
  await openApp(page, '?scenario=livelock&speed=1');
  await page.waitForTimeout(3_000);
  await expect(page.locator('[data-testid^="node-"][data-role="leader"]')).toHaveCount(0);
  await page.getByTestId('scenario-toggle').click();
  await expect(page.locator('[data-testid^="node-"][data-role="leader"]')).toHaveCount(1, { timeout: 10_000 });
});

test('an unknown scenario is named and the sandbox opens', async ({ page }) => {
  await openApp(page, '?scenario=nope');
  await expect(page.getByTestId('error-banner')).toContainText('nope');
  await expect(page.getByTestId('scenario')).toHaveCount(0);
});
