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
  // In the page's language (each catalogue's link names its own).
  await expect(link).toHaveAttribute('href', 'experiments/?lang=en');
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

test('the experiments page speaks Spanish, with its decimal comma, and leads back in Spanish', async ({ page }) => {
  const errors = await openApp(page, 'experiments/?lang=es');
  await expect(page.locator('html')).toHaveAttribute('lang', 'es');
  await expect(page.getByRole('heading', { level: 2 })).toHaveText('Experimentos: ¿cuánto tiempo pasa un clúster sin líder?');
  await expect(page.getByTestId('experiment-run')).toHaveText('Ejecutar');
  await expect(page).toHaveTitle('raftsim: experimentos');
  await expect(page.getByTestId('experiment-graph').locator('option[value="bottom"]')).toHaveText('Rapidez (12–24 … 150–300 ms)');
  await page.getByTestId('experiment-graph').selectOption('bottom');
  await page.getByTestId('experiment-trials').selectOption('50');
  await page.getByTestId('experiment-run').click();
  const status = page.getByTestId('experiment-status');
  await expect(status).toHaveAttribute('data-finished', 'true', { timeout: 60_000 });
  // "250 de 250 ensayos, 0,1 s, 4130 ensayos/s — terminado": the seconds with a decimal comma.
  await expect(status).toHaveText(/^250 de 250 ensayos, \d+,\d s, \d+ ensayos\/s — terminado$/);
  await expect(page.getByTestId('experiment-csv')).toHaveText('Exportar CSV');
  await expect(page.getByTestId('experiment-table').locator('thead th').first()).toHaveText('tiempos de espera');
  await expect(page.getByTestId('experiment-table').locator('tr[data-series="12-24 ms"]')).toHaveCount(1);
  await expect(page.getByTestId('experiment-chart')).toHaveAttribute('aria-label', /^Proporción acumulada de ensayos/);
  await expect(page.getByTestId('experiment-chart')).toContainText('tiempo sin líder');
  await expect(page.getByTestId('experiment-chart')).toContainText('50 %');
  const back = page.getByTestId('btn-simulator');
  await expect(back).toHaveText('◂ Simulador');
  await expect(back).toHaveAttribute('href', '../?lang=es');
  await back.click();
  await expect(page.getByTestId('cluster')).toBeVisible();
  await expect(page.locator('html')).toHaveAttribute('lang', 'es');
  await expect(page.getByTestId('btn-experiments')).toHaveAttribute('href', 'experiments/?lang=es');
  expect(errors).toEqual([]);
});

test('the experiments page speaks Chinese, and its language menu keeps the other parameters', async ({ page }) => {
  const errors = await openApp(page, 'experiments/?theme=dark&lang=zh');
  await expect(page.locator('html')).toHaveAttribute('lang', 'zh');
  await expect(page.getByRole('heading', { level: 2 })).toHaveText('实验：集群会有多久没有领导者？');
  await expect(page.getByTestId('experiment-run')).toHaveText('运行');
  await expect(page).toHaveTitle('raftsim：实验');
  // A long run (6,000 trials, a second or more) shows its Stop button while it runs.
  await page.getByTestId('experiment-trials').selectOption('1000');
  await page.getByTestId('experiment-run').click();
  await expect(page.getByTestId('experiment-stop')).toHaveText('停止');
  await expect(page.getByTestId('experiment-status')).toContainText('次试验，用时');
  await page.getByTestId('language').getByRole('link', { name: 'English' }).click();
  await expect(page).toHaveURL(/\/experiments\/\?theme=dark&lang=en$/);
  await expect(page.getByTestId('experiment-run')).toHaveText('Run');
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  expect(errors).toEqual([]);
});
