// Smoke test: the release build loads in Chromium, the wasm app renders, and nothing errors.
const { test, expect } = require('@playwright/test');
const { openApp } = require('./helpers');

test('the wasm app renders its shell without console errors', async ({ page }) => {
  const errors = await openApp(page);
  await expect(page.getByTestId('brand')).toHaveText('raftsim');
  await expect(page.getByTestId('cluster')).toBeVisible();
  // index.html has no such element: only the running wasm app can have put it there.
  expect(await page.locator('[data-testid="app"]').count()).toBe(1);
  expect(errors).toEqual([]);
});
