// The built site works from a sub-path of a static host, not only from the root: asset paths
// are relative (Trunk's public URL "./").
const { test, expect } = require('@playwright/test');

test('the app and the embed example run from a sub-path', async ({ page, baseURL }) => {
  const port = Number(new URL(baseURL).port) + 1;
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  await page.goto(`http://127.0.0.1:${port}/dist/index.html?speed=1`);
  await expect(page.getByTestId('brand')).toHaveText('raftsim');
  await expect(page.locator('[data-role="leader"]')).toHaveCount(1, { timeout: 20_000 });
  await page.goto(`http://127.0.0.1:${port}/dist/embed.html`);
  await expect(page.frameLocator('[data-testid="embed-left"]').getByTestId('brand')).toBeVisible();
  expect(errors).toEqual([]);
});
