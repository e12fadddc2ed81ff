// Layout quality: nothing overlaps or overflows on a small phone and on a wide screen, in the
// light and the dark colour scheme.
const { test, expect } = require('@playwright/test');
const { openApp, waitForLeader } = require('./helpers');

function overlaps(a, b) {
  return a.x < b.x + b.width - 0.5 && b.x < a.x + a.width - 0.5
    && a.y < b.y + b.height - 0.5 && b.y < a.y + a.height - 0.5;
}

for (const [width, height] of [[320, 640], [1440, 900]]) {
  for (const colorScheme of ['light', 'dark']) {
    test(`no overlap at ${width}×${height} (${colorScheme})`, async ({ page }) => {
      await page.setViewportSize({ width, height });
      await page.emulateMedia({ colorScheme, reducedMotion: 'reduce' });
      const errors = await openApp(page, '?speed=1&nodes=9');
      await waitForLeader(page);
      // The page never scrolls sideways.
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow).toBeLessThanOrEqual(0);
      // The panels do not overlap one another (on a phone they line up in one column).
      const regions = [];
      for (const selector of ['.playback', '.cluster-svg', '.timeline', '.logs', '.node-actions', '.client-panel',
        '.network-panel', '.invariants', '.inspector', '.events']) {
        regions.push([selector, await page.locator(selector).boundingBox()]);
      }
      for (let i = 0; i < regions.length; i++) {
        for (let j = i + 1; j < regions.length; j++) {
          expect(overlaps(regions[i][1], regions[j][1]), `${regions[i][0]} overlaps ${regions[j][0]}`).toBe(false);
        }
      }
      // Node circles do not overlap each other.
      const bodies = await page.$$eval('[data-testid^="node-"][data-role] .node-body',
        (els) => els.map((el) => { const r = el.getBoundingClientRect(); return { x: r.x, y: r.y, width: r.width, height: r.height }; }));
      expect(bodies.length).toBe(9);
      for (let i = 0; i < bodies.length; i++) {
        for (let j = i + 1; j < bodies.length; j++) {
          expect(overlaps(bodies[i], bodies[j]), `node ${i} overlaps node ${j}`).toBe(false);
        }
      }
      // Every control is a labelled, real button or field.
      const unlabeled = await page.$$eval('button', (els) => els.filter((b) =>
        !(b.textContent.trim() || b.getAttribute('aria-label'))).length);
      expect(unlabeled).toBe(0);
      expect(errors).toEqual([]);
    });
  }
}

test('keyboard shortcuts work and are listed in the help overlay', async ({ page }) => {
  const errors = await openApp(page, '?speed=1');
  await waitForLeader(page);
  await page.keyboard.press('?');
  await expect(page.getByTestId('help-overlay')).toBeVisible();
  await expect(page.getByTestId('help-overlay')).toContainText('step to the next event');
  await page.keyboard.press('?');
  await expect(page.getByTestId('help-overlay')).toHaveCount(0);
  // Space pauses; the clock then stands still.
  await page.keyboard.press(' ');
  await expect(page.getByTestId('btn-play-pause')).toHaveAttribute('aria-pressed', 'false');
  const frozen = await page.getByTestId('sim-time').getAttribute('data-us');
  await page.waitForTimeout(300);
  await expect(page.getByTestId('sim-time')).toHaveAttribute('data-us', frozen);
  // "." steps exactly one event forward.
  await page.keyboard.press('.');
  await expect.poll(async () => Number(await page.getByTestId('sim-time').getAttribute('data-us')))
    .toBeGreaterThanOrEqual(Number(frozen));
  // 1 selects node A; S stops it; R restarts it.
  await page.keyboard.press('1');
  await expect(page.getByTestId('inspector-node')).toHaveAttribute('data-node', 'A');
  await page.keyboard.press('s');
  await expect(page.getByTestId('node-A')).toHaveAttribute('data-role', 'stopped');
  await page.keyboard.press('r');
  await expect(page.getByTestId('node-A')).not.toHaveAttribute('data-role', 'stopped');
  expect(errors).toEqual([]);
});
