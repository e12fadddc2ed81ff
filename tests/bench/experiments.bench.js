// Experiments benchmark (run by scripts/bench): how many Figure 16 trials per second the browser
// runs, for the randomness graph and the speed graph, 200 trials per curve.
const { withServedApp, main } = require('./harness');

const PORT = Number(process.env.RAFTSIM_BENCH_PORT || 4198);

main(() => withServedApp(PORT, async (browser, base) => {
  const page = await browser.newPage();
  await page.goto(`${base}?view=experiments`);
  for (const graph of ['top', 'bottom']) {
    await page.getByTestId('experiment-graph').selectOption(graph);
    await page.getByTestId('experiment-trials').selectOption('200');
    await page.getByTestId('experiment-run').click();
    const status = page.getByTestId('experiment-status');
    await page.waitForSelector('[data-testid="experiment-status"][data-finished="true"]', { timeout: 300_000 });
    console.log(`experiments (${graph} graph, 200 trials per curve): ${await status.textContent()}`);
  }
}));
