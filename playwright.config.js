// Playwright end-to-end tests run against the release build in dist/, served on loopback.
// Chromium comes from Debian (scripts/setup); Playwright never downloads a browser here.
const { defineConfig } = require('@playwright/test');

const PORT = Number(process.env.RAFTSIM_E2E_PORT || 4173);

module.exports = defineConfig({
  testDir: 'tests/e2e',
  timeout: 60_000,
  expect: { timeout: 15_000 },
  fullyParallel: true,
  workers: Number(process.env.RAFTSIM_E2E_WORKERS || 2),
  reporter: [['list']],
  outputDir: 'target/e2e-results',
  use: {
    baseURL: `http://127.0.0.1:${PORT}`,
    browserName: 'chromium',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-dev-shm-usage',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
    screenshot: 'only-on-failure',
  },
  webServer: [
    {
      command: `python3 -m http.server ${PORT} --bind 127.0.0.1 --directory dist`,
      url: `http://127.0.0.1:${PORT}/`,
      reuseExistingServer: false,
      stdout: 'ignore',
      stderr: 'ignore',
      timeout: 30_000,
    },
    {
      // The repository root, so the same build is also reachable from a sub-path (/dist/), as
      // on a course site. See tests/e2e/subpath.spec.js.
      command: `python3 -m http.server ${PORT + 1} --bind 127.0.0.1 --directory .`,
      url: `http://127.0.0.1:${PORT + 1}/dist/`,
      reuseExistingServer: false,
      stdout: 'ignore',
      stderr: 'ignore',
      timeout: 30_000,
    },
  ],
});
