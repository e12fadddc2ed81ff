// Lessons: questions that ask the student to predict a step, answered right and wrong; a
// teacher's lesson file loaded by URL and in an embed (also through the postMessage API, which
// reports each answer); a broken lesson reported with its line, leaving the page as it was.
const { test, expect } = require('@playwright/test');
const { openApp, waitUntilDone } = require('./helpers');

const LESSON = `# A teacher's lesson (docs/lessons.md)
title Who leads?
id who-leads
timeout A 150-170 ms
timeout B 200-220 ms
timeout C 260-300 ms

step
question Which server becomes the first leader?
click server
right leader
explain A's timer is the shortest, so A asks first.
say A times out first and wins the *election*.
until leader elected

step
say Client 1 sends SET 5 to the leader, and every server applies it.
do send SET 5 to leader
until value 5 everywhere
`;

/** Serves `text` as the site's file `name` (a teacher's lesson put next to the app). */
async function serveLesson(page, name, text, status = 200) {
  await page.route(`**/${name}`, (route) => route.fulfill({ status, contentType: 'text/plain', body: text }));
}

test('a question waits for the answer, then the step runs and says whether it was right', async ({ page }) => {
  const errors = await openApp(page, '?tour=election&step=3&speed=1');
  const tour = page.getByTestId('tour');
  await expect(tour).toHaveAttribute('data-status', 'asking');
  // The caption would give the answer away: the question stands in its place.
  await expect(page.getByTestId('tour-caption')).toHaveCount(0);
  await expect(page.getByTestId('tour-question-text')).toContainText('Which server leads term 1?');
  await expect(page.getByTestId('sim-time')).toHaveText('t = 0.167 s');
  await page.getByTestId('question-answer').filter({ hasText: /^A$/ }).click();
  await expect(tour).toHaveAttribute('data-status', 'done');
  const verdict = page.getByTestId('question-verdict');
  await expect(verdict).toHaveAttribute('data-right', 'true');
  await expect(verdict).toContainText('Right: A.');
  await expect(verdict).toContainText('A needs one more vote');
  await expect(page.getByTestId('tour-caption')).toContainText('A becomes leader');
  expect(errors).toEqual([]);
});

test('a wrong answer gets the right one and the reason, and clicking a server answers too', async ({ page }) => {
  const errors = await openApp(page, '?tour=partition&step=4&speed=1');
  await expect(page.getByTestId('tour')).toHaveAttribute('data-status', 'asking');
  await page.getByTestId('question-answer').filter({ hasText: 'Yes' }).click();
  await waitUntilDone(page);
  const verdict = page.getByTestId('question-verdict');
  await expect(verdict).toHaveAttribute('data-right', 'false');
  await expect(verdict).toContainText('you answered Yes, B is a leader, and the answer is No');
  await expect(verdict).toContainText('no majority');

  // "Click the server that…": a click on the cluster answers.
  await page.goto('/?tour=partition&step=6&speed=1');
  await expect(page.getByTestId('tour')).toHaveAttribute('data-status', 'asking');
  await page.getByTestId('node-B').click();
  await waitUntilDone(page);
  await expect(verdict).toHaveAttribute('data-right', 'false');
  await expect(verdict).toContainText('the answer is C');
  expect(errors).toEqual([]);
});

test('a lesson file next to the app opens by URL and plays like a tour chapter', async ({ page }) => {
  await serveLesson(page, 'who-leads.txt', LESSON);
  const errors = await openApp(page, '?lesson=who-leads.txt&speed=1');
  const tour = page.getByTestId('tour');
  await expect(tour).toHaveAttribute('data-chapter', 'who-leads');
  await expect(tour).toHaveAttribute('data-steps', '2');
  // A teacher's lesson stands alone: its own title is the only chapter.
  await expect(page.getByTestId('tour-chapter').locator('option')).toHaveText(['1. Who leads?']);
  await page.getByTestId('question-answer').filter({ hasText: /^C$/ }).click();
  await waitUntilDone(page);
  await expect(page.getByTestId('question-verdict')).toContainText('the answer is A');
  await expect(page.locator('[data-testid="tour-caption"] em')).toHaveText('election');
  await page.getByTestId('tour-next').click();
  await waitUntilDone(page);
  await expect(page.getByTestId('tour-next')).toBeDisabled();
  for (const node of ['A', 'B', 'C']) {
    await expect(page.getByTestId(`node-${node}`).getByTestId('node-value')).toHaveText('5');
  }
  expect(errors).toEqual([]);
});

// The same lesson carried by the link itself (made with `cargo run --example lesson_link`).
const LESSON_LINK = 'inline:AcgDACOAtwQDdGVhY4C7AQAngYUBgY0EkJoEgK8CgP4EAVdog9sCAXM_gYgFA3doby2CDoAeAG2C7AQIQSAxNTAtMTcwgcIChRUHQiAyMDAtMjKKFQdDIDI2MC0zMIIVg5EEgtkBgZQDiv0EAWJlgOUCgNoBge8DA2ZpcnOF-wQAP5iWBYXpBABBgNIBgXEAcoHgAoFBBHNob3J0gGYDLCBzb4CtAQNhc2tzg1UALoKPBYCKAoAuAXMggaEBgheAvQOA5wEBaW6DPgAqgrUDgKIBAiouCoO4A4Nwhs0Dg8gBgUoAQ4X-A4GWBQBzgpcFADWBmAWBR4M1ACyCXIK3BIAlgcQBAyBhcHCANwJzIGmAjwGAlwWBO4c6gzaEeIOXBQA1gz-D9gQ';

test('a lesson inside the link opens with no file at all; a damaged one is named', async ({ page }) => {
  const errors = await openApp(page, `?lesson=${LESSON_LINK}&step=2&speed=1`);
  const tour = page.getByTestId('tour');
  await expect(tour).toHaveAttribute('data-chapter', 'who-leads');
  await expect(tour).toHaveAttribute('data-step', '2');
  await waitUntilDone(page);
  await expect(page.getByTestId('node-A').getByTestId('node-value')).toHaveText('5');
  expect(errors).toEqual([]);
  await page.goto(`/?lesson=${LESSON_LINK.slice(0, 120)}`);
  await expect(page.getByTestId('error-banner')).toContainText('The lesson in this link is damaged');
  await expect(tour).toHaveCount(0);
});

test('a broken lesson is reported with its line and the page stays as it was', async ({ page }) => {
  await serveLesson(page, 'broken.txt', LESSON.replace('right leader', 'right Z'));
  await openApp(page, '?lesson=broken.txt');
  const banner = page.getByTestId('error-banner');
  await expect(banner).toContainText('The lesson "broken.txt" cannot be opened: line 11: expected a server (A to I), found "Z".');
  await expect(page.getByTestId('tour')).toHaveCount(0);
  await expect(page.getByTestId('node-A')).toBeVisible();

  // A lesson whose step the simulation refuses is found before anyone plays it.
  await serveLesson(page, 'unplayable.txt', LESSON.replace('do send SET 5 to leader', 'do restart B'));
  await page.goto('/?lesson=unplayable.txt');
  await expect(banner).toContainText('line 16: this step cannot start');

  // Missing, or not on this site.
  await serveLesson(page, 'missing.txt', 'not here', 404);
  await page.goto('/?lesson=missing.txt');
  await expect(banner).toContainText('could not be loaded: the site answered 404');
  // And in the reader's language, even when the answer comes before the page's words.
  await page.goto('/?lesson=missing.txt&lang=es');
  await expect(banner).toContainText('No se pudo cargar la lección "missing.txt": el sitio respondió 404.');
  await page.goto('/?lesson=https://elsewhere.example/l.txt');
  await expect(banner).toContainText('must be a file on this site');
});

test('an embed opens a lesson by URL, and the host can load one and hear the answers', async ({ page }) => {
  await serveLesson(page, 'who-leads.txt', LESSON);
  await page.setViewportSize({ width: 640, height: 480 });
  await openApp(page, '?embed=1&lesson=who-leads.txt&speed=1');
  await expect(page.getByTestId('tour')).toHaveAttribute('data-chapter', 'who-leads');
  await expect(page.getByTestId('question-answer').first()).toBeInViewport();

  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto('/embed.html');
  const left = page.frameLocator('[data-testid="embed-left"]');
  await left.getByTestId('brand').waitFor();
  await page.evaluate(() => window.raftsimSend('left', { raftsim: 'load', lesson: 'who-leads.txt' }));
  await expect(left.getByTestId('tour')).toHaveAttribute('data-chapter', 'who-leads');
  await left.getByTestId('question-answer').filter({ hasText: /^A$/ }).click();
  await expect.poll(() => page.evaluate(() => window.raftsimEvents.left
    .filter((e) => e.raftsim === 'question-answered')))
    .toEqual([{ raftsim: 'question-answered', lesson: 'who-leads', step: 1, right: true }]);
  // A lesson from elsewhere is refused, and the host hears why.
  await page.evaluate(() => window.raftsimSend('left', { raftsim: 'load', lesson: 'https://elsewhere.example/l.txt' }));
  await expect.poll(() => page.evaluate(() => window.raftsimEvents.left
    .filter((e) => e.raftsim === 'error').map((e) => e.message).join(' | ')))
    .toContain('must be a file on this site');
});
