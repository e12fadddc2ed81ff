// WCAG 2.0, 2.1 and 2.2, levels A and AA, checked by axe-core in every view and state a student
// or a teacher meets: the sandbox (light and dark, paused and running), every tour chapter, every
// scenario with its violation shown, the experiments, an embed at 320×240, the dialogs, a 320 px
// wide screen, and the other languages. Zero violations, always. Then what a screen reader hears:
// the live region's narration, turned off and on, and the cluster as a table of text.
const { test, expect } = require('@playwright/test');
const { AxeBuilder } = require('@axe-core/playwright');
const { openApp, waitForLeader } = require('./helpers');

const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22a', 'wcag22aa'];

/** Runs axe on the page as it is and fails with each rule broken and where. */
async function expectAccessible(page, view) {
  const { violations } = await new AxeBuilder({ page }).withTags(TAGS).analyze();
  const found = violations.map((v) =>
    `${v.id} (${v.impact}): ${v.help}\n` +
    v.nodes.slice(0, 5).map((n) => `    ${n.target.join(' ')}: ${(n.failureSummary || '').split('\n')[1] || ''}`).join('\n'));
  expect(found, `${view}: axe found\n${found.join('\n')}`).toEqual([]);
}

const CHAPTERS = ['consensus', 'roles', 'election', 'reelection', 'split-vote', 'replication',
  'partition', 'membership', 'compaction', 'reads'];
// Scenarios whose script breaks a property (scanned once the monitor shows it), then the others.
const BROKEN = ['figure8', 'vote-without-log-check', 'forget-vote-on-restart', 'skip-prev-log-check',
  'membership-bug', 'stale-read'];
const OTHERS = ['removed-server', 'livelock', 'figure7'];

test('the sandbox, light and dark, paused and running, has no WCAG A/AA violation', async ({ page }) => {
  for (const theme of ['light', 'dark']) {
    const errors = await openApp(page, `?seed=3&speed=1&theme=${theme}`);
    await waitForLeader(page);
    await expectAccessible(page, `sandbox ${theme}, running`);
    await page.getByTestId('btn-play-pause').click();
    await page.locator('.settings summary').click();
    await expectAccessible(page, `sandbox ${theme}, paused, settings open`);
    expect(errors).toEqual([]);
  }
});

// One test per chapter and per scenario: each is short, and the suite's workers share them out.
for (const chapter of CHAPTERS) {
  test(`the tour chapter ${chapter} has no WCAG A/AA violation`, async ({ page }) => {
    const errors = await openApp(page, `?tour=${chapter}&step=1&speed=1`);
    await expect(page.getByTestId('tour-caption').or(page.getByTestId('tour-question-text'))).toBeVisible();
    await page.waitForTimeout(800);
    await expectAccessible(page, `tour ${chapter}`);
    expect(errors).toEqual([]);
  });
}

for (const slug of BROKEN) {
  test(`the scenario ${slug}, with its violation shown, has no WCAG A/AA violation`, async ({ page }) => {
    const errors = await openApp(page, `?scenario=${slug}&speed=1`);
    await expect(page.getByTestId('invariants')).toHaveAttribute('data-ok', 'false', { timeout: 30_000 });
    await expectAccessible(page, `scenario ${slug}, violation shown`);
    expect(errors).toEqual([]);
  });
}

for (const slug of OTHERS) {
  test(`the scenario ${slug} has no WCAG A/AA violation`, async ({ page }) => {
    const errors = await openApp(page, `?scenario=${slug}&speed=1`);
    await page.waitForTimeout(1500);
    await expectAccessible(page, `scenario ${slug}`);
    expect(errors).toEqual([]);
  });
}

test('the dialogs, the experiments and the studio have no WCAG A/AA violation', async ({ page }) => {
  const errors = await openApp(page, '?seed=3');
  await page.getByTestId('btn-help').click();
  await expect(page.getByTestId('help-overlay')).toBeVisible();
  await expectAccessible(page, 'help dialog');
  await page.keyboard.press('Escape');
  await page.keyboard.press('v');
  await expect(page.getByTestId('text-view')).toBeVisible();
  await expectAccessible(page, 'cluster as text');
  expect(errors).toEqual([]);

  await page.goto('/experiments/');
  await expect(page.getByTestId('experiment-run').first()).toBeVisible();
  await expectAccessible(page, 'experiments');

  await page.goto('/studio/?seed=3&dialog=embed');
  await expect(page.getByTestId('embed-dialog')).toBeVisible();
  await expectAccessible(page, 'studio, embed dialog');
});

test('an embed at 320×240 and the page at 320 px wide have no WCAG A/AA violation', async ({ page }) => {
  await page.setViewportSize({ width: 320, height: 240 });
  let errors = await openApp(page, '?embed=1&speed=1');
  await page.waitForTimeout(1000);
  await expectAccessible(page, 'embed 320×240');
  errors = errors.concat(await openApp(page, '?embed=1&tour=split-vote&step=2&speed=1'));
  await page.waitForTimeout(1000);
  await expectAccessible(page, 'embedded tour 320×240');
  await page.setViewportSize({ width: 320, height: 800 });
  errors = errors.concat(await openApp(page, '?seed=3&speed=1'));
  await page.waitForTimeout(1000);
  await expectAccessible(page, 'sandbox 320 px wide');
  expect(errors).toEqual([]);
});

test('the Spanish and Chinese pages have no WCAG A/AA violation and say their language', async ({ page }) => {
  for (const lang of ['es', 'zh']) {
    const errors = await openApp(page, `?tour=partition&step=2&speed=1&lang=${lang}`);
    await expect(page.locator('html')).toHaveAttribute('lang', lang);
    await page.waitForTimeout(800);
    await expectAccessible(page, `tour in ${lang}`);
    expect(errors).toEqual([]);
    // The pages of their own, in the same language: the experiments, the studio's dialog.
    await page.goto(`/experiments/?lang=${lang}`);
    await expect(page.getByTestId('experiment-run')).toBeVisible();
    await expectAccessible(page, `experiments in ${lang}`);
    await page.goto(`/studio/?seed=3&dialog=embed&lang=${lang}`);
    await expect(page.getByTestId('embed-dialog').getByRole('heading', { level: 2 })).not.toBeEmpty();
    await expectAccessible(page, `studio, embed dialog in ${lang}`);
  }
});

test('in forced-colors mode the roles keep their marks and the page has no WCAG A/AA violation', async ({ page }) => {
  // Windows high contrast: the system's colours replace the page's, except where a colour is the
  // meaning. The servers' rings (the SVG's strokes) must still tell a leader from a follower.
  await page.emulateMedia({ forcedColors: 'active' });
  const errors = await openApp(page, '?seed=3&speed=1');
  const { leader } = await waitForLeader(page);
  const stroke = (id) => page.locator(`[data-testid="node-${id}"] .node-body`)
    .evaluate((el) => getComputedStyle(el).stroke);
  const follower = 'ABCDE'.split('').find((id) => id !== leader);
  expect(await page.evaluate(() => matchMedia('(forced-colors: active)').matches)).toBe(true);
  expect(await stroke(leader)).not.toEqual(await stroke(follower));
  await page.getByTestId('btn-play-pause').click();
  await expectAccessible(page, 'sandbox in forced colours');
  expect(errors).toEqual([]);
});

test('a screen reader hears the election, can silence the narration, and reads the cluster as a table', async ({ page }) => {
  // The catalogue comes late (as on a slow network, or a loaded CI machine, where this test once
  // failed): the election that happened meanwhile must still be said once the words arrive.
  await page.route('**/i18n/en.txt', async (route) => {
    await new Promise((resolve) => setTimeout(resolve, 1500));
    await route.continue();
  });
  const errors = await openApp(page, '?seed=3&speed=1');
  const region = page.getByTestId('narration');
  await expect(region).toHaveAttribute('aria-live', 'polite');
  const { leader, term } = await waitForLeader(page);
  await expect(region).toContainText(`${leader} became leader in term ${term}`);
  // N turns the narration off (it says so) and nothing more is said until it is back on.
  await page.keyboard.press('n');
  await expect(region).toHaveText('Narration off.');
  await page.getByTestId('node-' + leader).click();
  await page.getByTestId('node-action-stop').click();
  await page.waitForTimeout(2500);
  await expect(region).toHaveText('Narration off.');
  await page.keyboard.press('n');
  await expect(region).toContainText('Narration on');
  // On again: the next leader's fall and the election after it are said.
  const next = await waitForLeader(page, { not: leader });
  await page.getByTestId('node-' + next.leader).click();
  await page.getByTestId('node-action-stop').click();
  await expect(region).toContainText(`${next.leader} was stopped`, { timeout: 10_000 });
  await expect(region).toContainText('became leader', { timeout: 15_000 });
  // V: the cluster as a table, the focus on its Close button; Escape gives the focus back.
  await page.getByTestId('btn-play-pause').focus();
  await page.keyboard.press('v');
  const table = page.getByTestId('cluster-text');
  await expect(table.locator('tbody tr')).toHaveCount(5);
  await expect(table.locator('tbody tr', { hasText: 'stopped' })).toHaveCount(2);
  await expect(page.locator('#dialog-close')).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('text-view')).toHaveCount(0);
  await expect(page.getByTestId('btn-play-pause')).toBeFocused();
  expect(errors).toEqual([]);
});

test('the partition chapter can be followed from the narration alone', async ({ page }) => {
  const errors = await openApp(page, '?tour=partition&speed=1');
  await page.evaluate(() => {
    const region = document.getElementById('narration');
    window.__said = [region.textContent];
    new MutationObserver(() => window.__said.push(region.textContent))
      .observe(region, { childList: true, characterData: true, subtree: true });
  });
  const tour = page.getByTestId('tour');
  for (let step = 1; step <= 7; step++) {
    if (await page.getByTestId('tour-question-text').count()) {
      await page.getByTestId('question-answer').first().click();
    }
    await expect(tour).toHaveAttribute('data-status', /done|end|timed-out/, { timeout: 30_000 });
    // The narration speaks at most every two seconds: let it catch up before moving on.
    await page.waitForTimeout(2_200);
    await page.getByTestId('tour-next').click();
  }
  const said = (await page.evaluate(() => window.__said)).join(' ');
  // The first election may be said before the page is watched; the rest is the chapter's story.
  const story = ['The network was split: A, B | C, D, E.',
    'C became leader in term 2.', 'Client 2 got its answer: the value is 8.', 'The network was healed.',
    'B became a follower in term 2.'];
  let at = -1;
  for (const sentence of story) {
    const found = said.indexOf(sentence, at + 1);
    expect(found, `"${sentence}" after position ${at} in: ${said}`).toBeGreaterThan(at);
    at = found;
  }
  expect(errors).toEqual([]);
});

test('a link between two servers is cut and restored from the keyboard', async ({ page }) => {
  const errors = await openApp(page, '?seed=3&speed=1');
  const link = page.locator('[data-link="A-B"]');
  await link.focus();
  await expect(link).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(link).toHaveClass(/link-cut/);
  // The links are drawn anew when one changes, so the focus has to come back to it (known gap).
  await link.focus();
  await page.keyboard.press('Enter');
  await expect(link).not.toHaveClass(/link-cut/);
  expect(errors).toEqual([]);
});

test('a message in flight is reached from the keyboard, named, and opened in the inspector', async ({ page }) => {
  const errors = await openApp(page, '?seed=3&speed=1');
  await waitForLeader(page);
  await page.getByTestId('btn-play-pause').click();
  for (let i = 0; i < 50 && (await page.getByTestId('message').count()) === 0; i++) {
    await page.getByTestId('btn-step').click();
  }
  const message = page.getByTestId('message').first();
  const id = await message.getAttribute('data-id');
  const type = await message.getAttribute('data-type');
  // A tab stop (an SVG link) with a name that says what it is, from whom, to whom.
  const stop = message.locator('a');
  await expect(stop).toHaveAttribute('aria-label', new RegExp(`^#${id} ${type}: [A-E] → [A-E]$`));
  await stop.focus();
  await expect(stop).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('inspector-message')).toContainText(`Message #${id} (${type})`);
  // From the inspector it can be dropped, by keyboard too.
  await page.getByTestId('btn-drop-message').focus();
  await page.keyboard.press('Enter');
  await expect(page.locator(`[data-testid="message"][data-id="${id}"]`)).toHaveCount(0);
  expect(errors).toEqual([]);
});

test('Space on a focused server selects it and is not also the play shortcut', async ({ page }) => {
  const errors = await openApp(page, '?seed=3&speed=1');
  await waitForLeader(page);
  const play = page.getByTestId('btn-play-pause');
  const before = await play.textContent();
  await page.getByTestId('node-B').focus();
  await page.keyboard.press(' ');
  await expect(page.getByTestId('inspector')).toContainText('B');
  await expect(page.getByTestId('node-B')).toHaveClass(/selected/);
  expect(await play.textContent()).toBe(before);
  // Away from the servers, Space is the shortcut still.
  await page.locator('body').focus();
  await page.evaluate(() => document.activeElement && document.activeElement.blur());
  await page.keyboard.press(' ');
  await expect(play).not.toHaveText(before);
  expect(errors).toEqual([]);
});
