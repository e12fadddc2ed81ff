// Membership changes in the sandbox (§6): grow the cluster from 3 to 5 servers, remove the
// leader, and watch the cluster keep working. New servers learn before they vote; a removed
// server keeps running outside the configuration.
const { test, expect } = require('@playwright/test');
const { openApp, waitForLeader, sendTo } = require('./helpers');

const member = (page, node) => page.getByTestId(`node-${node}`);

test('grow 3 to 5, remove the leader, and the cluster still commits', async ({ page }) => {
  const errors = await openApp(page, '?nodes=3&seed=3&speed=1');
  const { leader } = await waitForLeader(page);
  const config = page.getByTestId('cluster-config');
  // Nothing to say while every server votes.
  await expect(config).toBeHidden();

  await page.getByTestId('btn-add-server').click();
  await expect(member(page, 'D')).toHaveAttribute('data-member', /learner|voter/);
  await expect(member(page, 'D')).toHaveAttribute('data-member', 'voter', { timeout: 10_000 });
  // The configuration entries are in the log, drawn apart from commands.
  await expect(page.locator('.log-entry.config-entry').first()).toBeVisible();
  await expect(page.getByTestId('btn-add-server')).toHaveText('Add server E');
  // D votes as soon as its configuration is in the leader's log; the next change waits until
  // that configuration is committed (the status line then has nothing more to say), or the
  // leader refuses it as one in progress.
  await expect(config).toBeHidden();
  await page.getByTestId('btn-add-server').click();
  await expect(member(page, 'E')).toHaveAttribute('data-member', 'voter', { timeout: 10_000 });
  await expect(config).toBeHidden();

  // Remove the leader: it hands over once the new configuration is committed and stays running
  // outside the cluster.
  await member(page, leader).click();
  await expect(page.getByTestId('btn-remove-server')).toHaveText('Remove');
  await page.getByTestId('btn-remove-server').click();
  await expect(member(page, leader)).toHaveAttribute('data-member', 'none', { timeout: 10_000 });
  const next = await waitForLeader(page, { not: leader });
  await expect(config).toBeVisible();
  await expect(config).not.toContainText(leader);
  await expect(member(page, leader)).not.toHaveAttribute('data-role', 'stopped');

  await sendTo(page, next.leader, 'SET 9');
  const others = ['A', 'B', 'C', 'D', 'E'].filter((n) => n !== leader);
  for (const n of others) {
    await expect(member(page, n).getByTestId('node-value')).toHaveText('9', { timeout: 10_000 });
  }
  // A new leader commits its predecessor's configuration with the first entry of its own term
  // (§5.4.2): the SET did that.
  await expect(config).toHaveAttribute('data-committed', 'true');
  // The removed server can come back with the log it kept.
  await member(page, leader).click();
  await expect(page.getByTestId('btn-remove-server')).toHaveText('Add back');
  await expect(page.getByTestId('invariants')).toHaveAttribute('data-ok', 'true');
  expect(errors).toEqual([]);
});

test('a change in progress refuses another, in words', async ({ page }) => {
  await openApp(page, '?nodes=3&seed=5&speed=1');
  await waitForLeader(page);
  // Paused, the first change cannot finish before the second request.
  await page.getByTestId('btn-play-pause').click();
  await expect(page.getByTestId('btn-play-pause')).toHaveAttribute('aria-pressed', 'false');
  await page.getByTestId('btn-add-server').click();
  await expect(page.getByTestId('node-D')).toHaveAttribute('data-member', 'learner');
  await page.getByTestId('btn-add-server').click();
  await expect(page.getByTestId('error-banner')).toContainText('one at a time');
  await expect(page.locator('[data-testid="node-E"]')).toHaveCount(0);
});

test('the membership chapter colours the two disjoint majorities apart', async ({ page }) => {
  const errors = await openApp(page, '?tour=membership&step=6&speed=1');
  await expect(page.getByTestId('tour')).toHaveAttribute('data-status', 'done', { timeout: 30_000 });
  for (const node of ['A', 'B']) await expect(member(page, node)).toHaveClass(/group-1/);
  for (const node of ['C', 'D', 'E']) await expect(member(page, node)).toHaveClass(/group-2/);
  expect(errors).toEqual([]);
});
