// Makes docs/screenshot.png for the README: a 5-node sandbox after SET 5 and ADD 2, with
// messages in flight. Usage: node tools/readme-screenshot.js http://127.0.0.1:8123/
const { chromium } = require('playwright-core');

(async () => {
  const base = process.argv[2] || 'http://127.0.0.1:8080/';
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking'],
  });
  const page = await browser.newPage({ viewport: { width: 1360, height: 860 } });
  await page.goto(`${base}?seed=4&speed=0.5`);
  await page.waitForSelector('[data-role="leader"]');
  for (const command of ['SET 5', 'ADD 2']) {
    await page.getByTestId('client-command').fill(command);
    await page.getByTestId('client-send').click();
    await page.waitForTimeout(700);
  }
  await page.getByTestId('client-command').fill('ADD 3');
  await page.getByTestId('client-send').click();
  await page.getByTestId('speed').selectOption('0.02');
  // Pause while the new entry is on its way to the followers.
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="message"]').length >= 4);
  await page.getByTestId('btn-play-pause').click();
  await page.screenshot({ path: 'docs/screenshot.png' });
  await browser.close();
})();
