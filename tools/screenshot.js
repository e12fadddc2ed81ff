// Takes screenshots of the built app (dist/ served on loopback) in headless Chromium.
// Usage: node tools/screenshot.js URL OUT.png [width height] [waitMs] [dark]
const { chromium } = require('playwright-core');

(async () => {
  const [url, out, width = '1440', height = '900', waitMs = '3000', scheme = 'light'] = process.argv.slice(2);
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
  const page = await browser.newPage({ viewport: { width: Number(width), height: Number(height) }, colorScheme: scheme });
  page.on('console', (m) => { if (m.type() === 'error') console.error('console error:', m.text()); });
  page.on('pageerror', (e) => console.error('page error:', String(e)));
  await page.goto(url);
  await page.waitForTimeout(Number(waitMs));
  await page.screenshot({ path: out, fullPage: true });
  await browser.close();
})();
