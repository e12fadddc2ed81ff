// The Experiments panel runs Figure 16's trials in the background without freezing the page,
// plots them, and exports CSV.
const { test, expect } = require('@playwright/test');
const { openApp } = require('./helpers');

test('the speed graph runs to the end, stays responsive, plots and exports', async ({ page }) => {
  const errors = await openApp(page, '?view=experiments');
  await page.getByTestId('experiment-graph').selectOption('bottom');
  await page.getByTestId('experiment-trials').selectOption('50');
  await page.getByTestId('experiment-run').click();
  const status = page.getByTestId('experiment-status');
  // The page answers clicks while trials run: the help overlay opens and closes.
  await page.getByTestId('btn-help').click();
  await expect(page.getByTestId('help-overlay')).toBeVisible();
  await page.keyboard.press('?');
  await expect(status).toHaveAttribute('data-finished', 'true', { timeout: 60_000 });
  await expect(status).toHaveAttribute('data-total', '250');
  await expect(page.locator('.cdf-line')).toHaveCount(5);
  // 12–24 ms elects fast: its median is under 100 ms.
  const median = Number(await page.locator('[data-testid="experiment-table"] tr[data-series="12-24 ms"] td').nth(1).textContent());
  expect(median).toBeLessThan(100);
  const href = await page.getByTestId('experiment-csv').getAttribute('href');
  const csv = decodeURIComponent(href.slice(href.indexOf(',') + 1));
  expect(csv.split('\n')[0]).toContain('time_without_leader_ms');
  expect(csv.trim().split('\n').length).toBe(251);
  expect(errors).toEqual([]);
});

test('an experiment keeps running while the simulator is shown', async ({ page }) => {
  await openApp(page, '?view=experiments');
  await page.getByTestId('experiment-trials').selectOption('1000');
  await page.getByTestId('experiment-run').click();
  await page.getByTestId('btn-experiments').click();
  await expect(page.getByTestId('cluster')).toBeVisible();
  await page.waitForTimeout(500);
  await page.getByTestId('btn-experiments').click();
  const status = page.getByTestId('experiment-status');
  await expect(status).toBeVisible();
  expect(Number(await status.getAttribute('data-done'))).toBeGreaterThan(0);
  await expect(status).toHaveAttribute('data-finished', 'true', { timeout: 120_000 });
});
