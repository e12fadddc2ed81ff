// The Experiments page runs Figure 16's trials in the background without freezing the page,
// plots them, and exports CSV. It is a page of its own (experiments/), so that the simulator's
// page does not carry its code; the simulator links to it, and old ?view=experiments links land
// on it.
const { test, expect } = require('@playwright/test');
const { openApp } = require('./helpers');

test('the speed graph runs to the end, stays responsive, plots and exports', async ({ page }) => {
  const errors = await openApp(page, 'experiments/');
  await page.getByTestId('experiment-graph').selectOption('bottom');
  await page.getByTestId('experiment-trials').selectOption('50');
  await page.getByTestId('experiment-run').click();
  const status = page.getByTestId('experiment-status');
  // The page answers while trials run: the progress it reports moves on between two looks.
  await expect.poll(async () => Number(await status.getAttribute('data-done'))).toBeGreaterThan(0);
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

test('the simulator links to the experiments page, and old links land on it', async ({ page }) => {
  await openApp(page, '?seed=3');
  const link = page.getByTestId('btn-experiments');
  await expect(link).toHaveAttribute('href', 'experiments/');
  // A new tab, so that the run on the simulator's page carries on.
  await expect(link).toHaveAttribute('target', '_blank');
  const errors = await openApp(page, '?view=experiments&theme=dark');
  await expect(page).toHaveURL(/\/experiments\/\?view=experiments&theme=dark$/);
  await expect(page.getByTestId('experiment-run')).toBeVisible();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  await page.getByTestId('btn-simulator').click();
  await expect(page.getByTestId('cluster')).toBeVisible();
  expect(errors).toEqual([]);
});
