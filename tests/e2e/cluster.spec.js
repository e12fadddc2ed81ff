// The live cluster view: the flows a person tries first.
const { test, expect } = require('@playwright/test');
const { openApp, waitForLeader, nodeValues, sendTo, nodesInRole } = require('./helpers');

// Real time keeps the tests short: an election takes well under a second.
const FAST = '?speed=1&seed=7';

test('a leader appears and the page shows the DESIGN test ids', async ({ page }) => {
  const errors = await openApp(page, FAST);
  const { leader, term } = await waitForLeader(page);
  expect(term).toBeGreaterThan(0);
  await expect(page.getByTestId("cluster-status")).toHaveText(`Leader: ${leader} (term ${term})`);
  for (const id of ['sim-time', 'btn-play-pause', 'btn-step', 'speed', 'client-command', 'client-send',
    'node-action-stop', 'node-action-restart', 'node-action-timeout', 'btn-partition', 'btn-heal',
    'cluster-size', 'seed']) {
    await expect(page.getByTestId(id), id).toHaveCount(1);
  }
  await expect(page.locator('[data-testid^="node-"][data-role]')).toHaveCount(5);
  // Messages fly: heartbeats at least.
  await expect.poll(() => page.getByTestId('message').count()).toBeGreaterThan(0);
  expect(errors).toEqual([]);
});

test('clicking a message shows its fields, and dropping it removes it from the network', async ({ page }) => {
  const errors = await openApp(page, FAST);
  await waitForLeader(page);
  await page.getByTestId('btn-play-pause').click(); // pause, so the message stays in flight
  // Between heartbeats nothing may be in flight: step event by event until something is.
  for (let i = 0; i < 50 && (await page.getByTestId('message').count()) === 0; i++) {
    await page.getByTestId('btn-step').click();
  }
  const message = page.getByTestId('message').first();
  await expect(message).toHaveCount(1);
  const id = await message.getAttribute('data-id');
  const type = await message.getAttribute('data-type');
  await message.dispatchEvent('click');
  const inspector = page.getByTestId('inspector-message');
  await expect(inspector).toContainText(`Message #${id} (${type})`);
  // Every message carries a term, named as in Figure 2.
  await expect(page.getByTestId('message-fields')).toContainText('term');
  await page.getByTestId('btn-drop-message').click();
  await expect(page.locator(`[data-testid="message"][data-id="${id}"]`)).toHaveCount(0);
  await expect(page.getByTestId('event-list')).toContainText(`message #${id} was dropped`);
  expect(errors).toEqual([]);
});

test('SET 5 is committed on every node, each showing value 5', async ({ page }) => {
  const errors = await openApp(page, FAST);
  const { leader } = await waitForLeader(page);
  await sendTo(page, leader, 'SET 5');
  await expect.poll(() => page.locator('[data-testid="log-entry"][data-committed="true"]').count(),
    { timeout: 10_000 }).toBe(5);
  await expect.poll(() => nodeValues(page)).toEqual({ A: '5', B: '5', C: '5', D: '5', E: '5' });
  const entries = page.getByTestId('log-entry');
  for (const entry of await entries.all()) {
    await expect(entry).toContainText('SET 5');
    await expect(entry).toHaveAttribute('data-index', '1');
  }
  expect(errors).toEqual([]);
});

test('the leader stops and a new leader appears in a higher term', async ({ page }) => {
  const errors = await openApp(page, FAST);
  const first = await waitForLeader(page);
  await page.getByTestId(`node-${first.leader}`).click();
  await page.getByTestId('node-action-stop').click();
  await expect(page.getByTestId(`node-${first.leader}`)).toHaveAttribute('data-role', 'stopped');
  const second = await waitForLeader(page, { not: first.leader });
  expect(second.term).toBeGreaterThan(first.term);
  // Restarting the old leader brings it back as a follower of the new term.
  await page.getByTestId(`node-${first.leader}`).click();
  await page.getByTestId('node-action-restart').click();
  await expect.poll(async () => page.getByTestId(`node-${first.leader}`).getAttribute('data-role'))
    .toBe('follower');
  expect(errors).toEqual([]);
});

test('a partition with writes on both sides heals, and the minority entry is gone', async ({ page }) => {
  const errors = await openApp(page, FAST);
  const { leader: oldLeader, term: oldTerm } = await waitForLeader(page);
  const names = ['A', 'B', 'C', 'D', 'E'];
  const partner = names.find((n) => n !== oldLeader);

  // Put the leader and one other node in group 2; the other three keep group 1.
  await page.getByTestId('btn-partition').click();
  await page.getByTestId(`node-${oldLeader}`).click();
  await page.getByTestId(`node-${partner}`).click();
  await page.getByTestId('btn-partition-apply').click();
  await expect(page.locator('[data-testid="link"].link-partitioned')).toHaveCount(6);

  // The minority leader accepts SET 3 but cannot commit it.
  await sendTo(page, oldLeader, 'SET 3');
  const minorityEntry = page.locator(
    `[data-testid="log-entry"][data-node="${oldLeader}"][data-term="${oldTerm}"]`);
  await expect(minorityEntry).toHaveCount(1);
  await expect(minorityEntry).toHaveAttribute('data-committed', 'false');

  // The majority elects its own leader, in a higher term, and commits SET 8.
  let newLeader = null;
  await expect.poll(async () => {
    const leaders = (await nodesInRole(page, 'leader')).filter((n) => n !== oldLeader);
    newLeader = leaders[0] || null;
    return newLeader;
  }, { timeout: 20_000 }).not.toBeNull();
  await sendTo(page, newLeader, 'SET 8');
  await expect.poll(() => page.locator(
    `[data-testid="log-entry"][data-node="${newLeader}"][data-committed="true"]`).count(), { timeout: 10_000 })
    .toBeGreaterThan(0);
  await expect(minorityEntry).toHaveAttribute('data-committed', 'false');

  // Heal: the old leader steps down, the minority rolls back, every log matches.
  await page.getByTestId('btn-heal').click();
  await expect.poll(async () => page.getByTestId(`node-${oldLeader}`).getAttribute('data-role'),
    { timeout: 10_000 }).not.toBe('leader');
  await expect.poll(() => page.locator(
    `[data-testid="log-entry"][data-term="${oldTerm}"]`).filter({ hasText: 'SET 3' }).count(),
  { timeout: 10_000 }).toBe(0);
  await expect.poll(async () => {
    const logs = await page.$$eval('[data-testid="log-row"]', (rows) => rows.map((row) =>
      [...row.querySelectorAll('[data-testid="log-entry"]')]
        .map((e) => `${e.dataset.index}:${e.dataset.term}:${e.dataset.committed}`).join(' ')));
    return new Set(logs).size;
  }, { timeout: 10_000 }).toBe(1);
  const values = Object.values(await nodeValues(page));
  expect(new Set(values).size).toBe(1);
  expect(errors).toEqual([]);
});

test('bad URL parameters show a friendly banner and the defaults', async ({ page }) => {
  const errors = await openApp(page, '?nodes=42&seed=abc&speed=-1&bogus=1');
  const banner = page.getByTestId('error-banner');
  await expect(banner).toBeVisible();
  await expect(banner).toContainText('nodes');
  await expect(banner).toContainText('seed');
  await expect(banner).toContainText('speed');
  await expect(banner).toContainText('bogus');
  await expect(page.locator('[data-testid^="node-"][data-role]')).toHaveCount(5);
  expect(errors).toEqual([]);
});

test('URL parameters nodes, seed and speed are honoured', async ({ page }) => {
  await openApp(page, '?nodes=7&seed=99&speed=0.005');
  await expect(page.locator('[data-testid^="node-"][data-role]')).toHaveCount(7);
  await expect(page.getByTestId('seed')).toHaveValue('99');
  await expect(page.getByTestId('speed')).toHaveValue('0.005');
  await expect(page.getByTestId('error-banner')).toHaveCount(0);
});

test('typing in a field while the simulation runs is not wiped by the next frame', async ({ page }) => {
  const errors = await openApp(page, FAST);
  await waitForLeader(page);
  const command = page.getByTestId('client-command');
  await command.fill('');
  await command.pressSequentially('ADD 2', { delay: 120 });
  await expect(command).toHaveValue('ADD 2');
  await page.locator('details.settings summary').click();
  const latency = page.getByTestId('latency-max');
  await latency.fill('');
  await latency.pressSequentially('35', { delay: 120 });
  await latency.press('Enter');
  await page.getByTestId('latency-min').focus();
  await expect(page.getByTestId('latency-max')).toHaveValue('35');
  await expect(page.locator('.event-list')).toContainText('latency set to 10-35 ms');
  expect(errors).toEqual([]);
});

test('"Make leader" hands the leadership to the selected server (leadership transfer)', async ({ page }) => {
  const errors = await openApp(page, '?speed=0.2&nodes=5&seed=4');
  const { leader, term } = await waitForLeader(page);
  const target = ['A', 'B', 'C', 'D', 'E'].find((n) => n !== leader);
  await page.getByTestId(`node-${target}`).click();
  await page.getByTestId('btn-transfer-leader').click();
  const next = await waitForLeader(page, { not: leader });
  expect(next.leader).toBe(target);
  expect(next.term).toBe(term + 1);
  // The event list tells the story: the handover began, then TimeoutNow went out.
  await expect(page.getByTestId('event-list')).toContainText('began handing leadership');
  await expect(page.getByTestId('event-list')).toContainText('to time out now');
  // On the leader itself the button has nothing to do.
  await page.getByTestId(`node-${target}`).click();
  await expect(page.getByTestId('btn-transfer-leader')).toBeDisabled();
  expect(errors).toEqual([]);
});
