// The space-time diagram: lanes and arrows agree with the cluster and the trace, clicking it
// seeks or picks a message, it folds heartbeats, pans and zooms by keyboard, exports a standalone
// SVG, and shows up in the tour, in embeds that ask for it, and on a phone.
const { test, expect } = require('@playwright/test');
const { openApp, waitForLeader } = require('./helpers');
const fs = require('fs');

const now = async (page) => Number(await page.getByTestId('sim-time').getAttribute('data-us'));
const arrows = (page) => page.locator('[data-testid="spacetime-message"]');

/**
 * An exported SVG file parsed in the page without its style element (the page's policy forbids
 * inline styles, even in a document that is only parsed): parse errors, the root element, and
 * how many elements match `selector`.
 */
const parseExport = (page, svg, selector) => page.evaluate(([svg, selector]) => {
  const doc = new DOMParser().parseFromString(svg.replace(/<style>[^<]*<\/style>/, ''), 'image/svg+xml');
  return { error: doc.getElementsByTagName('parsererror').length, root: doc.documentElement.nodeName,
    count: doc.querySelectorAll(selector).length };
}, [svg, selector]);

test('lanes and arrows follow the trace, event by event', async ({ page }) => {
  const errors = await openApp(page, '?seed=3&speed=1');
  await waitForLeader(page);
  await page.getByTestId('btn-play-pause').click();
  const lanes = await page.locator('[data-testid="spacetime-lane"]').evaluateAll(
    (els) => els.map((el) => el.getAttribute('data-node')));
  expect(lanes).toEqual(['A', 'B', 'C', 'D', 'E', 'C1', 'C2']);

  // Every message the ring shows in flight is an arrow still in flight, and no other.
  for (let i = 0; i < 50 && (await page.locator('[data-testid="message"]').count()) === 0; i += 1) {
    await page.getByTestId('btn-step').click();
  }
  const ring = await page.locator('[data-testid="message"]').evaluateAll(
    (els) => els.map((el) => `${el.getAttribute('data-id')} ${el.getAttribute('data-type')}`).sort());
  const flying = await page.locator('[data-testid="spacetime-message"][data-in-flight="true"]').evaluateAll(
    (els) => els.map((el) => `${el.getAttribute('data-id')} ${el.getAttribute('data-type')}`).sort());
  expect(ring.length).toBeGreaterThan(0);
  expect(flying).toEqual(ring);

  // Step event by event with every message listed: each send is a new arrow from that moment,
  // each delivery ends one there.
  await page.getByRole('checkbox', { name: 'every message' }).check();
  let sends = 0;
  let deliveries = 0;
  for (let i = 0; i < 30; i += 1) {
    await page.getByTestId('btn-step').click();
    const t = await now(page);
    const text = await page.locator('.event-list li .event-text').first().textContent();
    const sent = text.match(/^(\w+) sent (\w+) to (\w+)$/);
    const got = text.match(/^(\w+) received (\w+) from (\w+)$/);
    if (sent) {
      sends += 1;
      await expect(page.locator(`[data-testid="spacetime-message"][data-from="${sent[1]}"][data-to="${sent[3]}"]`
        + `[data-type="${sent[2]}"][data-sent-us="${t}"]`)).toHaveCount(1);
    }
    if (got) {
      deliveries += 1;
      await expect(page.locator(`[data-testid="spacetime-message"][data-from="${got[3]}"][data-to="${got[1]}"]`
        + `[data-type="${got[2]}"][data-delivered-us="${t}"]`)).toHaveCount(1);
    }
  }
  expect(sends).toBeGreaterThan(3);
  expect(deliveries).toBeGreaterThan(3);
  expect(errors).toEqual([]);
});

test('click to seek or to read a message; fold, zoom by keyboard, export SVG', async ({ page }) => {
  const errors = await openApp(page, '?seed=3&speed=1');
  await waitForLeader(page);
  await page.waitForTimeout(700);
  await page.getByTestId('btn-play-pause').click();
  const before = await now(page);
  const area = page.getByTestId('spacetime');
  const box = await area.boundingBox();

  // A click on empty space goes to that moment (time travel).
  await page.mouse.click(box.x + box.width * 0.5, box.y + 6);
  await expect(page.getByTestId('timeline')).toHaveAttribute('data-live', 'false');
  const went = await now(page);
  expect(went).toBeLessThan(before);
  expect(went).toBeGreaterThan(0);

  // A click on an arrow shows its message's fields.
  const vote = page.locator('[data-testid="spacetime-message"][data-type="RequestVote"]').first();
  await page.getByRole('button', { name: 'Whole run' }).click();
  const voteBox = await vote.locator('line.hit').boundingBox();
  await page.mouse.click(voteBox.x + voteBox.width / 2, voteBox.y + voteBox.height / 2);
  await expect(page.getByTestId('spacetime-details')).toContainText(/RequestVote|AppendEntries|Reply/);
  await expect(page.getByTestId('spacetime-details')).toContainText('term');

  // Folding heartbeats leaves votes and entries.
  expect(await page.locator('[data-testid="spacetime-message"] line.hb').count()).toBeGreaterThan(0);
  await page.getByTestId('btn-fold-heartbeats').click();
  await expect(page.getByTestId('btn-fold-heartbeats')).toHaveAttribute('aria-pressed', 'true');
  await expect(page.locator('[data-testid="spacetime-message"] line.hb')).toHaveCount(0);
  await expect(page.locator('[data-testid="spacetime-message"][data-type="RequestVote"]').first()).toBeVisible();

  // The keyboard: + zooms in, End follows the present two seconds wide, Home shows it all.
  const label = async () => page.locator('[data-testid="spacetime"] svg').getAttribute('aria-label');
  await area.focus();
  await page.keyboard.press('End');
  const followed = await label();
  await page.keyboard.press('+');
  expect(await label()).not.toEqual(followed);
  await page.keyboard.press('ArrowLeft');
  await page.keyboard.press('Home');
  expect(await label()).toMatch(/^Space-time diagram from 0\.000 s/);
  // The page's own shortcuts did not also run (an arrow key would have stepped the clock).
  expect(await now(page)).toBe(went);

  // Export: a standalone SVG file that parses, with its styles inside.
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('btn-export-svg').click()]);
  expect(download.suggestedFilename()).toBe('raftsim-history.svg');
  const text = fs.readFileSync(await download.path(), 'utf8');
  expect(text.startsWith('<?xml')).toBe(true);
  expect(text).toContain('xmlns="http://www.w3.org/2000/svg"');
  expect(text).toMatch(/<style>[^<]*\.st \.r-leader/);
  expect(await parseExport(page, text, '[data-testid="spacetime-lane"]'))
    .toEqual({ error: 0, root: 'svg', count: 7 });

  // The ring too: the drawing as it is on the page, every server and link, with its styles.
  const [ring] = await Promise.all([page.waitForEvent('download'), page.getByTestId('btn-export-ring-svg').click()]);
  expect(ring.suggestedFilename()).toBe('raftsim-cluster.svg');
  const ringText = fs.readFileSync(await ring.path(), 'utf8');
  expect(ringText.startsWith('<?xml')).toBe(true);
  expect(ringText).toMatch(/^<\?xml[^>]*>\n<svg xmlns="http:\/\/www.w3.org\/2000\/svg" width="400" height="400" [^>]*viewBox="0 0 400(\.00)? 400(\.00)?"/);
  if (process.env.RAFTSIM_KEEP_EXPORTS) fs.writeFileSync(process.env.RAFTSIM_KEEP_EXPORTS, ringText);
  expect(ringText).toMatch(/<style>[^<]*--leader:[^<]*\.node\.role-leader \.node-body/);
  expect(await parseExport(page, ringText, '[data-testid^="node-"][data-role]'))
    .toEqual({ error: 0, root: 'svg', count: 5 });
  expect(errors).toEqual([]);
});

test('in the tour, in embeds that ask for it, and on a 320 px phone', async ({ page }) => {
  let errors = await openApp(page, '?tour=split-vote');
  await expect(page.getByTestId('spacetime')).toBeVisible();
  await expect(page.locator('[data-testid="spacetime-lane"]')).not.toHaveCount(0);
  expect(errors).toEqual([]);

  errors = await openApp(page, '?embed=1&controls=play,history&seed=2');
  await expect(page.getByTestId('spacetime')).toBeVisible();
  await openApp(page, '?embed=1&controls=play&seed=2');
  await expect(page.getByTestId('spacetime')).toHaveCount(0);
  expect(errors).toEqual([]);

  await page.setViewportSize({ width: 320, height: 640 });
  errors = await openApp(page, '?seed=2');
  await waitForLeader(page);
  // Paused, so that the drawing is not replaced while it is measured.
  await page.getByTestId('btn-play-pause').click();
  const area = page.getByTestId('spacetime');
  await area.scrollIntoViewIfNeeded();
  const svgBox = await area.locator('svg').boundingBox();
  expect(svgBox.x).toBeGreaterThanOrEqual(0);
  expect(svgBox.x + svgBox.width).toBeLessThanOrEqual(320);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth);
  expect(overflow).toBeLessThanOrEqual(320);
  expect(errors).toEqual([]);
});

test('an event opens to say why, in the paper\'s words; the inspector says why a node leads', async ({ page }) => {
  const errors = await openApp(page, '?seed=3&speed=1');
  const { leader, term } = await waitForLeader(page);
  await page.getByTestId('btn-play-pause').click();
  // The words come from the catalogue, fetched when a "why" is first opened.
  const elected = page.locator('.event-list li', { hasText: `${leader} became leader in term ${term}` }).first();
  await elected.locator('summary').click();
  const why = elected.getByTestId('why');
  await expect(why).toContainText(`${leader} won term ${term}: a majority of the voters granted it their vote`);
  await expect(why).toContainText('§5.2');
  await expect(why).toHaveAttribute('data-rule', 'why.elected');

  await page.getByTestId(`node-${leader}`).click();
  await expect(page.getByTestId('inspector').getByTestId('why')).toContainText(`${leader} won term ${term}`);
  // The settings' switches explain themselves, with words from the same catalogue.
  await page.locator('details.settings summary').click();
  await expect(page.locator('.settings .why').first()).toContainText(/\w/);
  expect(errors).toEqual([]);
});

// Touch: two fingers pinch to zoom and one finger drags to pan, as on a phone or a tablet. The
// touches go through Chromium's own input pipeline (DevTools protocol), so the page sees the same
// pointer events a finger makes.
test.describe('by touch', () => {
  test.use({ hasTouch: true, viewport: { width: 800, height: 1200 } });

  test('two fingers pinch to zoom, one finger drags back in time', async ({ page, context }) => {
    const errors = await openApp(page, '?speed=1');
    await waitForLeader(page);
    await page.keyboard.press('Space'); // paused: the window stays where the fingers put it
    const area = page.locator('.st-area');
    await area.scrollIntoViewIfNeeded();
    const box = await area.boundingBox();
    const label = page.locator('.st-area svg').first();
    const shown = async () => {
      const text = await label.getAttribute('aria-label');
      const [from, to] = text.match(/[\d.]+ s/g).map((s) => parseFloat(s));
      return { from, to, span: to - from };
    };
    const cdp = await context.newCDPSession(page);
    const y = box.y + box.height / 2;
    const cx = box.x + box.width / 2;
    const touch = (type, xs) => cdp.send('Input.dispatchTouchEvent',
      { type, touchPoints: xs.map((x, id) => ({ x, y, id })) });

    const before = await shown();
    await touch('touchStart', [cx - 40, cx + 40]);
    for (let d = 60; d <= 160; d += 20) await touch('touchMove', [cx - d, cx + d]);
    await touch('touchEnd', []);
    // Fingers four times further apart: a quarter of the time shown.
    await expect.poll(async () => (await shown()).span).toBeLessThan(before.span / 2);
    const zoomed = await shown();

    await touch('touchStart', [cx]);
    for (let d = 25; d <= 200; d += 25) await touch('touchMove', [cx + d]);
    await touch('touchEnd', []);
    await expect.poll(async () => (await shown()).to).toBeLessThan(zoomed.to);
    const panned = await shown();
    // The same width: the label gives each end to the millisecond, so the two widths can
    // differ by that rounding.
    expect(Math.abs(panned.span - zoomed.span)).toBeLessThanOrEqual(0.0015);
    expect(errors).toEqual([]);
  });
});
