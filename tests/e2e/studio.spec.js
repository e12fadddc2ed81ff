// The lesson studio (studio/): a teacher plays with the cluster, the recorder turns each action
// into a step, the teacher writes captions and two questions, previews, downloads the file,
// puts it next to the app and embeds it; the embed replays the teacher's run exactly.
const { test, expect } = require('@playwright/test');
const { openApp, waitForLeader, sendTo, snapshot, waitUntilDone } = require('./helpers');

/** Plays the clock until `done` holds, then pauses. */
async function playUntil(page, done) {
  await page.getByTestId('btn-play-pause').click();
  await expect.poll(done, { timeout: 20_000 }).toBe(true);
  await page.getByTestId('btn-play-pause').click();
  await expect(page.getByTestId('btn-play-pause')).toHaveAttribute('aria-pressed', 'false');
}

test('record a five-step lesson with two questions, export it, and embed it', async ({ page }) => {
  test.setTimeout(120_000);
  const errors = await openApp(page, 'studio/?seed=5&nodes=3&autoplay=0&speed=1');
  const recorder = page.getByTestId('recorder');
  await expect(recorder).toBeVisible();
  await expect(page.getByTestId('recorder-step')).toHaveCount(1);

  // The teacher's run: a leader is elected; they crash it; a new one comes; client 1 sends
  // SET 5 and then ADD 2.
  await playUntil(page, async () => (await page.locator('[data-role="leader"]').count()) === 1);
  const { leader } = await waitForLeader(page);
  await page.getByTestId(`node-${leader}`).click();
  await page.getByTestId('node-action-stop').click();
  await playUntil(page, async () => (await page.locator('[data-role="leader"]').count()) === 1);
  const second = (await waitForLeader(page)).leader;
  await sendTo(page, second, 'SET 5');
  await playUntil(page, async () => (await page.locator('[data-testid="log-entry"][data-committed="true"]').count()) >= 2);
  await sendTo(page, second, 'ADD 2');
  await playUntil(page, async () => (await page.locator('[data-testid="log-entry"][data-committed="true"]').count()) >= 4);
  await page.getByTestId(`node-${leader}`).click();
  await page.getByTestId('node-action-restart').click();
  await playUntil(page, async () => (await page.locator(`[data-testid="log-entry"][data-node="${leader}"][data-committed="true"]`).count()) >= 2);
  const taught = await snapshot(page);

  // Five steps: the start, the crash, SET 5, ADD 2, the restart (one per instant of actions)...
  const steps = page.getByTestId('recorder-step');
  await expect(steps).toHaveCount(5);
  // ...and the teacher's words.
  await page.getByTestId('recorder-title').fill('When the leader crashes');
  await page.getByTestId('recorder-title').press('Enter');
  const captions = ['Three servers elect a leader.', 'We crash the leader; the others elect a new one.',
    'A client sends SET 5.', 'Then ADD 2: the two servers left end with 7.',
    'The old leader comes back as a follower and catches up.'];
  for (let i = 0; i < 5; i++) {
    await steps.nth(i).getByTestId('recorder-caption').fill(captions[i]);
    await steps.nth(i).getByTestId('recorder-caption').press('Tab');
  }
  await steps.nth(1).getByTestId('recorder-question').fill('Which server will lead after the crash?');
  await steps.nth(1).getByTestId('recorder-question').press('Tab');
  await steps.nth(1).getByTestId('recorder-explain').fill('The first follower to time out asks first.');
  await steps.nth(1).getByTestId('recorder-explain').press('Tab');
  await steps.nth(3).getByTestId('recorder-question').fill('Will ADD 2 be committed?');
  await steps.nth(3).getByTestId('recorder-question').press('Tab');
  await steps.nth(3).getByTestId('recorder-answer').selectOption('yes');
  await expect(page.getByTestId('recorder-embed')).toHaveValue(/\?embed=1&lesson=when-the-leader-crashes\.txt/);
  await expect(page.getByTestId('recorder-link')).toHaveValue(/\?lesson=inline:/);

  // Export the file.
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByTestId('recorder-download').click(),
  ]);
  expect(download.suggestedFilename()).toBe('when-the-leader-crashes.txt');
  const text = require('fs').readFileSync(await download.path(), 'utf8');
  expect(text).toContain('title When the leader crashes');
  expect(text).toContain('question Which server will lead after the crash?');
  expect(text).toContain('right leader');

  // Preview plays it as a student will.
  await page.getByTestId('recorder-preview').click();
  await expect(page.getByTestId('tour')).toHaveAttribute('data-chapter', 'when-the-leader-crashes');
  await expect(page.getByTestId('tour-caption')).toHaveText(captions[0]);

  // The file next to the app, embedded in a course page: the teacher's run, event for event.
  await page.route('**/when-the-leader-crashes.txt', (route) => route.fulfill({ contentType: 'text/plain', body: text }));
  await page.goto('/?embed=1&controls=all&lesson=when-the-leader-crashes.txt&speed=1');
  await expect(page.getByTestId('tour')).toHaveAttribute('data-steps', '5');
  for (let step = 1; step <= 5; step++) {
    await waitUntilDone(page);
    if (step < 5) await page.getByTestId('tour-next').click();
  }
  const replayed = await snapshot(page);
  expect(replayed.nodes).toEqual(taught.nodes);
  expect(replayed.entries).toEqual(taught.entries);
  expect(replayed.time).toEqual(taught.time);
  expect(errors).toEqual([]);
});

test('a lesson file opens in the studio to have its words edited', async ({ page }) => {
  await openApp(page, 'studio/?autoplay=0');
  const file = { name: 'election.txt', mimeType: 'text/plain', buffer: require('fs').readFileSync('lessons/election.txt') };
  await page.getByTestId('recorder-open').setInputFiles(file);
  await expect(page.getByTestId('recorder-title')).toHaveValue('Leader election');
  await expect(page.getByTestId('recorder-step')).toHaveCount(5);
  await expect(page.getByTestId('recorder-step').nth(2).getByTestId('recorder-caption')).toHaveValue(/^Neither B nor C/);
});

test('the simulator page links to the studio rather than carrying the recorder', async ({ page }) => {
  await openApp(page);
  await expect(page.getByTestId('recorder')).toHaveCount(0);
  await expect(page.getByTestId('btn-record')).toHaveAttribute('href', 'studio/?lang=en');
});

test('the studio speaks Chinese: the recorder, its record button and the Embed dialog', async ({ page }) => {
  const errors = await openApp(page, 'studio/?seed=3&nodes=3&autoplay=0&lang=zh');
  const recorder = page.getByTestId('recorder');
  await expect(recorder.getByRole('heading', { level: 2 })).toHaveText('课程录制器');
  // The lesson's title until the teacher gives one; its file name falls back to "lesson".
  await expect(page.getByTestId('recorder-title')).toHaveValue('我的课程');
  await expect(page.getByTestId('recorder-download')).toHaveText('下载 lesson.txt');
  await expect(page.getByTestId('recorder-preview')).toHaveText('预览');
  await expect(page.getByTestId('recorder-until').locator('option[value="leader elected"]')).toHaveText('选出领导者时结束');
  await page.getByTestId('recorder-question').fill('谁会成为领导者？');
  await page.getByTestId('recorder-question').press('Tab');
  await expect(page.getByTestId('recorder-answer').locator('option[value="yes"]')).toHaveText('“是”正确');
  await expect(page.getByTestId('btn-record')).toHaveText('录制课程…');
  await expect(page.getByTestId('import-file').locator('..')).toContainText('导入 JSON…');

  await page.getByTestId('btn-embed').click();
  const dialog = page.getByTestId('embed-dialog');
  await expect(dialog).toHaveAttribute('aria-label', '嵌入这个模拟');
  await expect(dialog.getByRole('heading', { level: 2 })).toHaveText('嵌入课程页面');
  await expect(dialog.getByTestId('embed-theme').locator('option[value="dark"]')).toHaveText('深色');
  await expect(dialog.locator('[data-control="log"]')).toHaveText('日志');
  // The snippet is code; the frame's name in it is in the teacher's words.
  await expect(page.getByTestId('embed-snippet')).toHaveValue(/^<iframe src="[^"]+" width="640" height="480" title="raftsim：Raft 共识模拟器"/);
  await page.getByTestId('btn-copy-snippet').click();
  await expect(page.getByTestId('btn-copy-snippet')).toHaveText('已复制 ✓');
  await expect(page.getByTestId('btn-close-embed')).toHaveText('关闭');
  await page.getByTestId('btn-close-embed').click();
  await expect(dialog).toHaveCount(0);
  expect(errors).toEqual([]);
});
