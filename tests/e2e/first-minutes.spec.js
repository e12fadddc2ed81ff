// The first ten minutes, tried as a new student and a teacher would: the tour on a desktop and a
// phone, the sandbox right after it, and the embeds a course page uses. Each test here failed on
// the build before issue #20 was fixed.
const { test, expect } = require('@playwright/test');
const { openApp, waitUntilDone, waitForLeader } = require('./helpers');

/**
 * Where the element is, and whether all of it can be seen without scrolling anything: inside the
 * window, and inside every ancestor that clips or scrolls its content.
 */
async function seen(locator) {
  return locator.evaluate((el) => {
    const r = el.getBoundingClientRect();
    const box = { top: r.top, bottom: r.bottom, left: r.left, right: r.right };
    const within = (outer) => box.top >= outer.top - 0.5 && box.bottom <= outer.bottom + 0.5
      && box.left >= outer.left - 0.5 && box.right <= outer.right + 0.5;
    let visible = r.width > 0 && r.height > 0
      && within({ top: 0, left: 0, bottom: window.innerHeight, right: window.innerWidth });
    for (let a = el.parentElement; a && visible; a = a.parentElement) {
      const style = getComputedStyle(a);
      if (style.overflowX !== 'visible' || style.overflowY !== 'visible') {
        const c = a.getBoundingClientRect();
        visible = within({ top: c.top + a.clientTop, left: c.left + a.clientLeft,
          bottom: c.top + a.clientTop + a.clientHeight, right: c.left + a.clientLeft + a.clientWidth });
      }
    }
    return { ...box, height: r.height, visible };
  });
}

async function expectOnScreen(locator, what) {
  const count = await locator.count();
  expect(count, `${what}: present`).toBeGreaterThan(0);
  for (let i = 0; i < count; i++) {
    const where = await seen(locator.nth(i));
    expect(where.visible, `${what} #${i} on screen without scrolling: ${JSON.stringify(where)}`).toBe(true);
  }
}

/** The rendered size, in CSS pixels, of the text of an SVG label. */
async function renderedFontSize(locator) {
  return locator.evaluate((el) => {
    const scale = el.ownerSVGElement.getScreenCTM().a;
    return parseFloat(getComputedStyle(el).fontSize) * scale;
  });
}


const CHAPTERS = ['consensus', 'roles', 'election', 'reelection', 'split-vote', 'replication', 'partition', 'membership'];

for (const [width, height] of [[1440, 900], [1280, 720], [390, 844]]) {
  test(`during the tour at ${width}×${height}, the caption, Next, the cluster and the logs are on screen together`, async ({ page }) => {
    test.setTimeout(120_000);
    await page.setViewportSize({ width, height });
    await page.emulateMedia({ reducedMotion: 'reduce' });
    const errors = await openApp(page, '?tour=consensus&step=1&speed=1');
    for (const chapter of CHAPTERS) {
      // Every step of every chapter.
      await page.getByTestId('tour-chapter').selectOption(chapter);
      // A chapter's file is fetched when chosen: until it comes the last one is still shown, done.
      const tour = page.getByTestId('tour');
      await expect(tour).toHaveAttribute('data-chapter', chapter);
      const steps = Number(await tour.getAttribute('data-steps'));
      for (let step = 1; step <= steps; step++) {
        await expect(tour).toHaveAttribute('data-step', String(step));
        await waitUntilDone(page);
        const where = `${chapter} step ${step}`;
        expect(await page.evaluate(() => document.scrollingElement.scrollTop), where).toBe(0);
        await expectOnScreen(page.getByTestId('tour-caption'), `${where}: caption`);
        await expectOnScreen(page.getByTestId('tour-next'), `${where}: Next`);
        await expectOnScreen(page.locator('[data-testid^="node-"][data-role] .node-body'), `${where}: nodes`);
        await expectOnScreen(page.locator('[data-testid="node-role"]'), `${where}: node labels`);
        await expectOnScreen(page.locator('[data-testid^="client-"][role="button"]'), `${where}: clients`);
        await expectOnScreen(page.locator('.client-status'), `${where}: client labels`);
        // The logs, with whatever the tour points at in them.
        await expectOnScreen(page.getByTestId('log-row'), `${where}: log rows`);
        const highlighted = page.locator('.log-entry.tour-highlight');
        if (await highlighted.count()) await expectOnScreen(highlighted, `${where}: highlighted entries`);
        if (step < steps) await page.getByTestId('tour-next').click();
      }
    }
    // Words in the drawing stay legible however small the screen.
    const size = await renderedFontSize(page.getByTestId('node-role').first());
    expect(size, `node labels are ${size} px`).toBeGreaterThanOrEqual(10);
    expect(errors).toEqual([]);
  });
}

test('the tour controls and the cluster do not move while a step runs and when it finishes', async ({ page }) => {
  await page.setViewportSize({ width: 1440, height: 900 });
  const errors = await openApp(page, '?tour=split-vote&step=1&speed=0.05');
  await expect(page.getByTestId('tour')).toHaveAttribute('data-status', 'running');
  const places = async () => ({
    next: await seen(page.getByTestId('tour-next')),
    back: await seen(page.getByTestId('tour-back')),
    restart: await seen(page.getByTestId('tour-restart')),
    cluster: await seen(page.locator('.cluster-svg')),
  });
  const running = await places();
  await waitUntilDone(page);
  expect(await places()).toEqual(running);
  expect(errors).toEqual([]);
});

test('when a step finishes the play button says Play, and the last step does not ask for Next', async ({ page }) => {
  const errors = await openApp(page, '?tour=election&step=1&speed=1');
  await waitUntilDone(page);
  const play = page.getByTestId('btn-play-pause');
  await expect(play).toHaveAttribute('aria-pressed', 'false');
  await expect(play).toContainText('Play');
  // Play goes on with the story.
  await play.click();
  await expect(page.getByTestId('tour')).toHaveAttribute('data-step', '2');
  // The very last step.
  await page.goto('/?tour=reads&step=7&speed=1');
  await waitUntilDone(page);
  await expect(page.getByTestId('tour-next')).toBeDisabled();
  await expect(page.getByTestId('tour-status')).not.toContainText('Next');
  expect(errors).toEqual([]);
});

test('the partition chapter shows the heal\'s effect in the step whose caption describes it', async ({ page }) => {
  const errors = await openApp(page, '?tour=partition&step=6&speed=1');
  await waitUntilDone(page);
  const entry = (node) => page.locator(`[data-testid="log-entry"][data-node="${node}"][data-index="1"]`);
  // B has stepped down and swapped SET 3 for SET 8 (one AppendEntries did both): the caption
  // says so. A has not been reached yet.
  await expect(page.getByTestId('node-B')).toHaveAttribute('data-role', 'follower');
  await expect(entry('B')).toContainText('SET 8');
  await expect(entry('A')).toContainText('SET 3');
  await expect(page.getByTestId('tour-caption')).toContainText('SET 8');
  await page.getByTestId('tour-next').click();
  await waitUntilDone(page);
  await expect(entry('A')).toContainText('SET 8');
  await expect(page.getByTestId('tour-caption')).toContainText('A');
  expect(errors).toEqual([]);
});

test('Esc closes the help and the Embed dialog', async ({ page }) => {
  const errors = await openApp(page, '?speed=1');
  await page.getByTestId('btn-help').click();
  await expect(page.getByTestId('help-overlay')).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('help-overlay')).toHaveCount(0);
  // The Embed dialog is the studio's (the simulator's button opens it there).
  await page.goto('/studio/');
  await page.getByTestId('brand').waitFor();
  await page.getByTestId('btn-embed').click();
  await expect(page.getByTestId('embed-dialog')).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('embed-dialog')).toHaveCount(0);
  expect(errors).toEqual([]);
});

test('Send goes to the leader, never silently to the server just stopped', async ({ page }) => {
  const errors = await openApp(page, '?speed=1&seed=3');
  const { leader } = await waitForLeader(page);
  await page.getByTestId(`node-${leader}`).click();
  await page.getByTestId('node-action-stop').click();
  await expect(page.getByTestId(`node-${leader}`)).toHaveAttribute('data-role', 'stopped');
  await expect(page.getByTestId('client-send')).not.toContainText(`Send to ${leader}`);
  const next = await waitForLeader(page, { not: leader });
  await expect(page.getByTestId('client-send')).toContainText(`Send to ${next.leader}`);
  await page.getByTestId('client-command').fill('SET 6');
  await page.getByTestId('client-send').click();
  // At real-time speed an answer takes milliseconds, not a retry timeout.
  await expect.poll(() => page.locator('[data-testid="node-value"]').allTextContents(), { timeout: 5_000 })
    .toContain('6');
  // Choosing the stopped server is possible, and the panel says what will happen.
  await page.getByTestId('client-target').selectOption(String('ABCDEFGHI'.indexOf(leader)));
  await expect(page.getByTestId('client-send')).toContainText(`Send to ${leader} (stopped)`);
  await expect(page.getByTestId('client-warning')).toContainText('is stopped');
  expect(errors).toEqual([]);
});

test('after "Try it yourself" in the partition chapter the clients are usable, and a busy one says why', async ({ page }) => {
  const errors = await openApp(page, '?tour=partition&step=8&speed=1');
  await waitUntilDone(page);
  await page.getByTestId('tour-try').click();
  await expect(page.getByTestId('client-send')).toBeVisible();
  // Client 1 still waits for the tour's SET 3: the panel says so, and when it will try again.
  await expect(page.getByTestId('client-busy')).toContainText('client 1 is waiting for SET 3');
  await page.getByTestId('speed').selectOption('1');
  await page.getByTestId('btn-play-pause').click();
  await page.getByTestId('client-command').fill('ADD 2');
  await page.getByTestId('client-send').click();
  // SET 3 is retried and committed (the value becomes 3), then ADD 2: 5 everywhere, in seconds.
  await expect.poll(() => page.locator('[data-testid="node-value"]').allTextContents(), { timeout: 10_000 })
    .toEqual(['5', '5', '5', '5', '5']);
  await expect(page.getByTestId('client-busy')).toHaveCount(0);
  expect(errors).toEqual([]);
});

test('on a phone the node actions and Send sit right under the cluster, with legible labels', async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  const errors = await openApp(page, '?speed=1&nodes=5');
  await waitForLeader(page);
  const cluster = await seen(page.getByTestId('cluster'));
  // The drawing fills its box, at a useful size, and stays inside it.
  const drawing = await seen(page.locator('.cluster-svg'));
  expect(cluster.height).toBeGreaterThan(300);
  expect(drawing.top >= cluster.top && drawing.bottom <= cluster.bottom + 0.5, 'the drawing stays in its box').toBe(true);
  const actions = await seen(page.getByTestId('node-action-stop'));
  const send = await seen(page.getByTestId('client-send'));
  expect(actions.top - cluster.bottom).toBeLessThan(150);
  expect(send.top - cluster.bottom).toBeLessThan(350);
  for (const label of ['node-role', 'node-value']) {
    expect(await renderedFontSize(page.getByTestId(label).first()), label).toBeGreaterThanOrEqual(11);
  }
  expect(errors).toEqual([]);
});

for (const [width, height, query, minCluster] of [
  [320, 240, '?embed=1&tour=election&step=1&speed=1', 100],
  [640, 480, '?embed=1&tour=replication&step=3&speed=1', 250],
  [640, 480, '?embed=1&scenario=figure8&speed=1', 250],
  [320, 240, '?embed=1&scenario=figure8&speed=1', 90],
]) {
  test(`an embed of ${query} works in a ${width}×${height} frame`, async ({ page }) => {
    await page.setViewportSize({ width, height });
    const errors = await openApp(page, query);
    // A scenario is seen at its worst moment: the violation, with its banner, is on screen too.
    if (query.includes('scenario')) await page.getByTestId('error-banner').waitFor({ timeout: 30_000 });
    const cluster = await seen(page.locator('.cluster-svg'));
    expect(cluster.visible).toBe(true);
    expect(cluster.height).toBeGreaterThanOrEqual(minCluster);
    // Nothing sticks out sideways (the chapter menu used to), and the watermark covers nothing
    // of the story.
    expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0);
    // (A step that asks a question shows the question in the caption's place until answered.)
    const caption = page.locator('[data-testid="tour-caption"], [data-testid="scenario-caption"], [data-testid="tour-question-text"]');
    // The chapter's file is fetched after the page starts: under load it may come a moment later.
    await caption.first().waitFor();
    await expectOnScreen(caption, 'caption');
    const brand = await seen(page.getByTestId('brand'));
    const text = await seen(caption);
    const apart = brand.bottom <= text.top || text.bottom <= brand.top
      || brand.right <= text.left || text.right <= brand.left;
    expect(apart, 'the watermark does not cover the caption').toBe(true);
    if (await page.getByTestId('tour-next').count()) await expectOnScreen(page.getByTestId('tour-next'), 'Next');
    // In a small frame the caption opens in full on request.
    if (height <= 480) {
      await expect(page.getByTestId('caption-switch')).toBeVisible();
      const story = page.locator('.tour-panel');
      const folded = (await seen(story)).height;
      await page.getByTestId('caption-switch').click();
      await expect.poll(async () => (await seen(story)).height).toBeGreaterThan(folded);
    }
    expect(errors).toEqual([]);
  });
}

test('the example course page shows the log table in its right-hand embed', async ({ page }) => {
  await page.goto('/embed.html');
  const right = page.frameLocator('[data-testid="embed-right"]');
  await expect(right.locator('[data-testid="log-row"]')).toHaveCount(5);
  await expectOnScreen(right.locator('[data-testid="log-row"]'), 'log rows in the frame');
});

test('the words a first-timer meets are explained where they meet them', async ({ page }) => {
  const errors = await openApp(page, '?tour=election&step=3&speed=1');
  await waitUntilDone(page);
  // The term is spelled out in the node, and a key under the cluster says what the numbers are.
  await expect(page.locator('[data-testid^="node-"][data-role] .node-term').first()).toHaveText(/^term \d+$/);
  await expect(page.getByTestId('node-key')).toContainText('term');
  await expect(page.getByTestId('node-key')).toContainText('value');
  // A follower that voted says both.
  const follower = page.locator('[data-testid^="node-"][data-role="follower"]').first();
  await expect(follower.getByTestId('node-role')).toHaveText('follower');
  await expect(follower.locator('.node-doing')).toHaveText(/^voted [A-E]$/);
  // The tour's buttons move by steps of the story; the playback buttons by events.
  await expect(page.getByTestId('tour-back')).toContainText('Previous');
  await expect(page.getByTestId('btn-step')).toContainText('Event');
  // The log table says what its columns mean.
  await page.getByTestId('tour-try').click();
  await expect(page.locator('.log-key')).toContainText('next / match');
  await expect(page.getByTestId('btn-step-back')).toContainText('Event');
  // Partition groups are named in words, not a lone number that looks like an entries message.
  await page.getByTestId('btn-partition').click();
  await page.getByTestId('node-A').click();
  await expect(page.getByTestId('group-badge').first()).toHaveText(/^group \d$/);
  expect(errors).toEqual([]);
});

test('a candidate says how many votes it has and needs', async ({ page }) => {
  const errors = await openApp(page, '?tour=split-vote&step=2&speed=1');
  await waitUntilDone(page);
  const candidates = page.locator('[data-testid^="node-"][data-role="candidate"]');
  await expect(candidates).toHaveCount(2);
  for (const candidate of await candidates.all()) {
    await expect(candidate.getByTestId('node-role')).toHaveText('candidate');
    // Four servers: three votes make a majority; each holds two.
    await expect(candidate.locator('.node-doing')).toHaveText('2 of 3 votes');
  }
  expect(errors).toEqual([]);
});

test('the safety monitor folds away during the tour, keeps its status, and opens on a violation', async ({ page }) => {
  const errors = await openApp(page, '?tour=replication&step=1&speed=1');
  const monitor = page.getByTestId('invariants');
  await expect(monitor).toHaveAttribute('data-open', 'false');
  await expect(page.getByTestId('invariants-summary')).toBeVisible();
  await expect(page.getByTestId('invariants-summary')).toContainText('properties hold');
  await expect(page.getByTestId('invariant').first()).toBeHidden();
  // A scenario about safety: open, and it shows the failure when it comes.
  await page.goto('/?scenario=figure8&speed=1');
  await expect(monitor).toHaveAttribute('data-open', 'true');
  await expect(monitor).toHaveAttribute('data-ok', 'false', { timeout: 30_000 });
  await expect(page.locator('[data-testid="invariant"][data-ok="false"]').first()).toBeVisible();
  expect(errors).toEqual([]);
});
