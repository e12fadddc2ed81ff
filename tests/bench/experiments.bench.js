// Experiments benchmark (run by scripts/bench): how many Figure 16 trials per second the browser
// runs, for the randomness graph and the speed graph, 200 trials per curve.
const { chromium } = require('playwright-core');
const { spawn } = require('child_process');
const path = require('path');

const PORT = Number(process.env.RAFTSIM_BENCH_PORT || 4198);

(async () => {
  const dist = path.join(__dirname, '..', '..', 'dist');
  const server = spawn('python3', ['-m', 'http.server', String(PORT), '--bind', '127.0.0.1', '--directory', dist],
    { stdio: 'ignore' });
  await new Promise((r) => setTimeout(r, 800));
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
  try {
    const page = await browser.newPage();
    await page.goto(`http://127.0.0.1:${PORT}/?view=experiments`);
    for (const graph of ['top', 'bottom']) {
      await page.getByTestId('experiment-graph').selectOption(graph);
      await page.getByTestId('experiment-trials').selectOption('200');
      await page.getByTestId('experiment-run').click();
      const status = page.getByTestId('experiment-status');
      await page.waitForSelector('[data-testid="experiment-status"][data-finished="true"]', { timeout: 300_000 });
      console.log(`experiments (${graph} graph, 200 trials per curve): ${await status.textContent()}`);
    }
  } finally {
    await browser.close();
    server.kill();
  }
})().catch((e) => { console.error(e); process.exit(1); });
