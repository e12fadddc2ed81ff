// Shared set-up for the browser benchmarks: serve dist/ on loopback, launch Debian's Chromium,
// run the benchmark, and clean up whatever happens.
const { chromium } = require('playwright-core');
const { spawn } = require('child_process');
const path = require('path');

async function withServedApp(port, run) {
  const dist = path.join(__dirname, '..', '..', 'dist');
  const server = spawn('python3', ['-m', 'http.server', String(port), '--bind', '127.0.0.1', '--directory', dist],
    { stdio: 'ignore' });
  await new Promise((r) => setTimeout(r, 800));
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
  try {
    await run(browser, `http://127.0.0.1:${port}/`);
  } finally {
    await browser.close();
    server.kill();
  }
}

function main(benchmark) {
  benchmark().catch((e) => { console.error(e); process.exit(1); });
}

module.exports = { withServedApp, main };
