// The guided tour: walk every chapter forward and back, checking the caption and the cluster at
// every step. Going back rebuilds each step from scratch, so the cluster must come out exactly as
// it did going forward.
const { test, expect } = require('@playwright/test');
const { openApp, waitUntilDone, snapshot } = require('./helpers');


test('the whole tour, forward and back', async ({ page }) => {
  test.setTimeout(300_000);
  const errors = await openApp(page, '?tour=consensus&step=1&speed=1');
  const tour = page.getByTestId('tour');
  const seen = [];
  for (;;) {
    await waitUntilDone(page);
    const chapter = await tour.getAttribute('data-chapter');
    const step = await tour.getAttribute('data-step');
    const caption = await page.getByTestId('tour-caption').textContent();
    expect(caption.trim().length).toBeGreaterThan(20);
    seen.push({ chapter, step, caption, cluster: await snapshot(page) });
    if (await page.getByTestId('tour-next').isDisabled()) break;
    await page.getByTestId('tour-next').click();
    await expect.poll(async () => `${await tour.getAttribute('data-chapter')}/${await tour.getAttribute('data-step')}`)
      .not.toBe(`${chapter}/${step}`);
  }
  const chapters = [...new Set(seen.map((s) => s.chapter))];
  expect(chapters).toEqual(['consensus', 'roles', 'election', 'reelection', 'split-vote', 'replication', 'partition', 'membership', 'compaction', 'reads']);
  expect(new Set(seen.map((s) => s.caption)).size).toBe(seen.length);

  // The story's results, as the page shows them.
  const last = (slug) => seen.filter((s) => s.chapter === slug).pop().cluster;
  expect(last('replication').nodes.every((n) => n.endsWith(':7'))).toBe(true);
  const partition = last('partition');
  expect(partition.entries.some((e) => e.includes('SET 3'))).toBe(false);
  expect(partition.entries.some((e) => e.includes('SET 8'))).toBe(true);
  expect(partition.nodes.every((n) => n.endsWith(':8'))).toBe(true);
  const twoLeaders = seen.filter((s) => s.chapter === 'partition')
    .some((s) => s.cluster.nodes.filter((n) => n.includes(':leader:')).length === 2);
  expect(twoLeaders).toBe(true);
  // A returning server gets the snapshot, and a read is answered by the new leader only.
  expect(last('compaction').nodes.every((n) => n.endsWith(':15'))).toBe(true);
  expect(last('reads').nodes.filter((n) => n.includes(':leader:')).length).toBeGreaterThan(0);

  // Back through every step: same caption, same cluster.
  for (let i = seen.length - 2; i >= 0; i--) {
    await page.getByTestId('tour-back').click();
    await expect(tour).toHaveAttribute('data-step', seen[i].step);
    await expect(tour).toHaveAttribute('data-chapter', seen[i].chapter);
    await waitUntilDone(page);
    await expect(page.getByTestId('tour-caption')).toHaveText(seen[i].caption);
    expect(await snapshot(page), `${seen[i].chapter} step ${seen[i].step}`).toEqual(seen[i].cluster);
  }
  await expect(page.getByTestId('tour-back')).toBeDisabled();
  expect(errors).toEqual([]);
});

test('a URL opens a chapter and step, and the arrow keys move through the tour', async ({ page }) => {
  const errors = await openApp(page, '?tour=partition&step=3&speed=1');
  const tour = page.getByTestId('tour');
  await expect(tour).toHaveAttribute('data-chapter', 'partition');
  await expect(tour).toHaveAttribute('data-step', '3');
  await expect(page.getByTestId('tour-chapter')).toHaveValue('partition');
  await page.keyboard.press('ArrowRight');
  await expect(tour).toHaveAttribute('data-step', '4');
  // Step 4 asks a question first: → skips it, and the step runs.
  await expect(tour).toHaveAttribute('data-status', 'asking');
  await page.keyboard.press('ArrowRight');
  await expect(tour).toHaveAttribute('data-step', '4');
  await expect(tour).toHaveAttribute('data-status', 'done');
  await expect(page.getByTestId('question-verdict')).toHaveAttribute('data-right', 'skipped');
  await page.keyboard.press('ArrowLeft');
  await expect(tour).toHaveAttribute('data-step', '3');
  // The chapter menu jumps to another chapter's start.
  await page.getByTestId('tour-chapter').selectOption('split-vote');
  await expect(tour).toHaveAttribute('data-chapter', 'split-vote');
  await expect(tour).toHaveAttribute('data-step', '1');
  expect(errors).toEqual([]);
});

test('"Try it yourself" hands the exact cluster to the sandbox', async ({ page }) => {
  await openApp(page, '?tour=replication&step=2&speed=1');
  await waitUntilDone(page);
  // A finished step has stopped the clock.
  await expect(page.getByTestId('btn-play-pause')).toHaveAttribute('aria-pressed', 'false');
  const before = await snapshot(page);
  await page.getByTestId('tour-try').click();
  await expect(page.getByTestId('tour')).toHaveCount(0);
  expect(await snapshot(page)).toEqual(before);
  // The sandbox's controls are back and act on the same cluster.
  await expect(page.getByTestId('client-send')).toBeVisible();
  await page.getByTestId('btn-play-pause').click();
  await page.getByTestId('client-command').fill('ADD 10');
  await page.getByTestId('client-send').click();
  await expect.poll(async () => (await snapshot(page)).entries.some((e) => e.includes('ADD 10')), { timeout: 10_000 }).toBe(true);
});

test('a bad tour link gets a friendly message and the sandbox', async ({ page }) => {
  await openApp(page, '?tour=dragons&step=99');
  await expect(page.getByTestId('error-banner')).toContainText('dragons');
  await expect(page.getByTestId('tour')).toHaveCount(0);
  await expect(page.locator('[data-testid^="node-"][data-role]')).toHaveCount(5);
});
