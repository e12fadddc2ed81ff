// Embedding in course pages: two independent instances on one page, the postMessage API, small
// iframes, the Embed dialog, and no request leaving loopback.
const { test, expect } = require('@playwright/test');
const { openApp, waitUntilDone, waitForLeader } = require('./helpers');

test('two embeds on one page run independently and talk to the host', async ({ page, baseURL }) => {
  const requests = [];
  page.on('request', (r) => requests.push(r.url()));
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  await page.goto('/embed.html');
  const left = page.frameLocator('[data-testid="embed-left"]');
  const right = page.frameLocator('[data-testid="embed-right"]');
  await expect(left.locator('[data-testid^="node-"][data-role]')).toHaveCount(3);
  await expect(right.locator('[data-testid^="node-"][data-role]')).toHaveCount(5);
  // Each elects its own leader; the host hears both.
  await expect.poll(() => page.evaluate(() => ['left', 'right'].map((f) =>
    window.raftsimEvents[f].some((e) => e.raftsim === 'leader-elected'))), { timeout: 20_000 })
    .toEqual([true, true]);
  expect(await page.evaluate(() => window.raftsimEvents.left[0].raftsim)).toBe('ready');
  // A command sent to the left one commits there and nowhere else.
  await page.click('#left-send');
  await expect.poll(() => left.locator('[data-testid="node-value"]').allTextContents(), { timeout: 10_000 })
    .toEqual(['5', '5', '5']);
  expect(await right.locator('[data-testid="node-value"]').allTextContents()).toEqual(['0', '0', '0', '0', '0']);
  // Pausing the left one stops its clock only.
  await page.click('#left-pause');
  await expect(left.getByTestId('btn-play-pause')).toHaveAttribute('aria-pressed', 'false');
  const leftTime = await left.getByTestId('sim-time').getAttribute('data-us');
  const rightTime = Number(await right.getByTestId('sim-time').getAttribute('data-us'));
  await page.waitForTimeout(400);
  expect(await left.getByTestId('sim-time').getAttribute('data-us')).toBe(leftTime);
  expect(Number(await right.getByTestId('sim-time').getAttribute('data-us'))).toBeGreaterThan(rightTime);
  // The right one shows the log table it asked for and the dark theme.
  await expect(right.getByTestId('log-table')).toBeVisible();
  await expect(right.locator('html')).toHaveAttribute('data-theme', 'dark');
  // Nothing was fetched from anywhere but the page's own server.
  const origin = new URL(baseURL).origin;
  expect(requests.filter((u) => !u.startsWith(origin) && !u.startsWith('data:'))).toEqual([]);
  expect(errors).toEqual([]);
});

test('a bad host message gets an error event, not a broken embed', async ({ page }) => {
  await page.goto('/embed.html');
  const left = page.frameLocator('[data-testid="embed-left"]');
  await left.getByTestId('brand').waitFor();
  await page.evaluate(() => window.raftsimSend('left', { raftsim: 'reset', nodes: 99, seed: 1 }));
  await page.evaluate(() => window.raftsimSend('left', { raftsim: 'fly' }));
  await page.evaluate(() => window.raftsimSend('left', { unrelated: true }));
  // Both the refused reset and the unknown command are reported; the foreign message is not.
  await expect.poll(() => page.evaluate(() => window.raftsimEvents.left.filter((e) => e.raftsim === 'error').length))
    .toBe(2);
  await expect(left.getByTestId('error-banner')).toContainText('1 to 9 nodes');
  await expect(left.locator('[data-testid^="node-"][data-role]')).toHaveCount(3);
});

test('an embed fits a 320×240 iframe', async ({ page }) => {
  await page.setViewportSize({ width: 320, height: 240 });
  const errors = await openApp(page, '?embed=1&speed=1');
  await waitForLeader(page);
  const overflow = await page.evaluate(() => [
    document.documentElement.scrollWidth - window.innerWidth,
    document.querySelector('.cluster-svg').getBoundingClientRect().bottom - window.innerHeight,
  ]);
  expect(overflow[0]).toBeLessThanOrEqual(0);
  expect(overflow[1]).toBeLessThanOrEqual(1);
  await expect(page.locator('.app-header')).toHaveCount(0);
  await expect(page.getByTestId('btn-play-pause')).toBeVisible();
  expect(errors).toEqual([]);
});

test('unknown or bad embed parameters are named and ignored', async ({ page }) => {
  await openApp(page, '?embed=1&theme=purple&controls=play,jetpack&autoplay=maybe');
  const banner = page.getByTestId('error-banner');
  await expect(banner).toContainText('theme');
  await expect(banner).toContainText('jetpack');
  await expect(banner).toContainText('autoplay');
  await expect(page.getByTestId('btn-play-pause')).toBeVisible();
});

test('the Embed dialog builds a snippet of the current run with a live preview', async ({ page, context }) => {
  const errors = await openApp(page, '?seed=5&nodes=4&speed=0.5');
  // The dialog lives in the studio (the teachers' page): the button opens it in a new tab with
  // this run, and the snippet points back at the simulator's page.
  const [studio] = await Promise.all([context.waitForEvent('page'), page.getByTestId('btn-embed').click()]);
  await studio.waitForLoadState();
  expect(new URL(studio.url()).pathname).toBe('/studio/');
  page = studio;
  const snippet = page.getByTestId('embed-snippet');
  await expect(snippet).toHaveValue(/<iframe src="http:\/\/127\.0\.0\.1:\d+\/\?embed=1&amp;run=3\.[A-Za-z0-9_-]+&amp;speed=0.5"/);
  await page.getByTestId('embed-theme').selectOption('dark');
  await expect(snippet).toHaveValue(/theme=dark/);
  const preview = page.frameLocator('[data-testid="embed-preview"]');
  await expect(preview.locator('[data-testid^="node-"][data-role]')).toHaveCount(4);
  await page.getByTestId('btn-close-embed').click();
  await expect(page.getByTestId('embed-dialog')).toHaveCount(0);
  expect(errors).toEqual([]);
});

test('the Embed button opens the studio in the page\'s language', async ({ page, context }) => {
  const errors = await openApp(page, '?seed=5&nodes=4&lang=es');
  const [studio] = await Promise.all([context.waitForEvent('page'), page.getByTestId('btn-embed').click()]);
  await studio.waitForLoadState();
  expect(new URL(studio.url()).searchParams.get('lang')).toBe('es');
  await expect(studio.getByTestId('embed-dialog')).toContainText('Insertar en la página de un curso');
  await expect(studio.locator('html')).toHaveAttribute('lang', 'es');
  // The embed leaves its language to each reader's browser, unless the teacher chooses one.
  const snippet = studio.getByTestId('embed-snippet');
  await expect(snippet).not.toHaveValue(/lang=/);
  await studio.getByTestId('embed-language').selectOption('zh');
  await expect(snippet).toHaveValue(/&amp;lang=zh"/);
  await expect(studio.frameLocator('[data-testid="embed-preview"]').locator('html')).toHaveAttribute('lang', 'zh');
  expect(errors).toEqual([]);
});

test('the host page can open a tour chapter, step through it and load a scenario', async ({ page }) => {
  await page.goto('/embed.html');
  const left = page.frameLocator('[data-testid="embed-left"]');
  await left.getByTestId('brand').waitFor();
  await page.evaluate(() => window.raftsimSend('left', { raftsim: 'load', tour: 'election', step: 1 }));
  await expect(left.getByTestId('tour')).toHaveAttribute('data-chapter', 'election');
  await expect(left.getByTestId('tour-caption')).not.toBeEmpty();
  await page.evaluate(() => window.raftsimSend('left', { raftsim: 'next' }));
  await expect(left.getByTestId('tour')).toHaveAttribute('data-step', '2');
  await page.evaluate(() => window.raftsimSend('left', { raftsim: 'back' }));
  await expect(left.getByTestId('tour')).toHaveAttribute('data-step', '1');
  await page.evaluate(() => window.raftsimSend('left', { raftsim: 'load', scenario: 'livelock' }));
  await expect(left.getByTestId('scenario')).toHaveAttribute('data-scenario', 'livelock');
  // The other embed was not touched.
  await expect(page.frameLocator('[data-testid="embed-right"]').getByTestId('tour')).toHaveCount(0);
});

test('an embed can open straight into a tour step', async ({ page }) => {
  const errors = await openApp(page, '?embed=1&tour=split-vote&step=2&speed=1');
  await expect(page.getByTestId('tour')).toHaveAttribute('data-chapter', 'split-vote');
  await expect(page.getByTestId('tour')).toHaveAttribute('data-step', '2');
  // The step asks first; its caption comes with the answer.
  await expect(page.getByTestId('tour-question-text')).toBeVisible();
  await waitUntilDone(page);
  await expect(page.getByTestId('tour-caption')).toBeVisible();
  expect(errors).toEqual([]);
});

// The host hears each live event once. Stepping back in the embed (three presses of the student's
// Back button) and returning to the live end send one `state` each and no old event again.
test('going back in time does not re-send history to the host', async ({ page }) => {
  await page.goto('/embed.html');
  const left = page.frameLocator('[data-testid="embed-left"]');
  await expect.poll(() => page.evaluate(() =>
    window.raftsimEvents.left.some((e) => e.raftsim === 'leader-elected')), { timeout: 20_000 }).toBe(true);
  await page.click('#left-send');
  await expect.poll(() => page.evaluate(() =>
    window.raftsimEvents.left.some((e) => e.raftsim === 'client-answered')), { timeout: 10_000 }).toBe(true);
  await page.click('#left-pause');
  await expect(left.getByTestId('btn-play-pause')).toHaveAttribute('aria-pressed', 'false');
  const before = await page.evaluate(() => window.raftsimEvents.left.length);
  for (let i = 0; i < 3; i++) await left.getByTestId('btn-step-back').click();
  await page.waitForTimeout(300);
  const after = await page.evaluate((n) => window.raftsimEvents.left.slice(n), before);
  const kinds = after.map((e) => e.raftsim);
  expect(kinds.filter((k) => k !== 'state'), `re-sent: ${JSON.stringify(after)}`).toEqual([]);
  expect(kinds.length).toBe(3);
});

// Every command the embed refuses tells the host why, not only the student's banner.
test('every refused host command comes back as an error event', async ({ page }) => {
  await page.goto('/embed.html');
  const left = page.frameLocator('[data-testid="embed-left"]');
  await left.getByTestId('brand').waitFor();
  const refused = [
    [{ raftsim: 'speed', value: 5 }, 'outside'],
    [{ raftsim: 'speed', value: 0 }, 'outside'],
    [{ raftsim: 'send', command: 'DELETE' }, 'DELETE'],
    [{ raftsim: 'reset', nodes: 0, seed: 1 }, 'not 0'],
    [{ raftsim: 'reset', nodes: 12, seed: 1 }, 'not 12'],
    [{ raftsim: 'load', tour: 'nope' }, 'nope'],
    [{ raftsim: 'load', scenario: 'nope' }, 'nope'],
    [{ raftsim: 'load' }, 'tour chapter, a lesson or a scenario'],
    [{ raftsim: 'next' }, 'guided tour'],
    [{ raftsim: 'load', tour: 'election', step: 0 }, 'counted from 1'],
  ];
  for (const [message, says] of refused) {
    const n = await page.evaluate(() => window.raftsimEvents.left.length);
    await page.evaluate((m) => window.raftsimSend('left', m), message);
    await expect.poll(() => page.evaluate((k) => window.raftsimEvents.left.slice(k)
      .filter((e) => e.raftsim === 'error').map((e) => e.message).join(' | '), n),
    { message: JSON.stringify(message) }).toContain(says);
  }
});

// A step past the end opens the chapter at its last step and says so, counting from 1.
test('an out-of-range tour step opens the last step with the right numbers', async ({ page }) => {
  await page.goto('/embed.html');
  const left = page.frameLocator('[data-testid="embed-left"]');
  await left.getByTestId('brand').waitFor();
  await page.evaluate(() => window.raftsimSend('left', { raftsim: 'load', tour: 'election', step: 99 }));
  await expect(left.getByTestId('tour')).toHaveAttribute('data-chapter', 'election');
  const steps = await left.getByTestId('tour').getAttribute('data-steps');
  await expect(left.getByTestId('tour')).toHaveAttribute('data-step', steps);
  await expect.poll(() => page.evaluate(() => window.raftsimEvents.left
    .filter((e) => e.raftsim === 'error').map((e) => e.message).join(' | ')))
    .toContain(`has ${steps} steps, so there is no step 99`);
});
