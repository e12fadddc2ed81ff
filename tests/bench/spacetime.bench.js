// Space-time diagram benchmark (run by scripts/bench, never by the tests): a 30-minute run of nine
// servers, opened from a share link at its end, then panned with the keyboard at three zoom
// levels (2 s, 60 s and the whole run). Prints the work per pan step (the key handled, the
// diagram drawn and the page patched; style, layout and paint come after and are not included),
// how many arrows were drawn, and how long opening the run took (its history is rebuilt by
// replaying it).
const { withServedApp, main } = require('./harness');

const PORT = Number(process.env.RAFTSIM_BENCH_PORT || 4198);
const MINUTES = Number(process.env.RAFTSIM_BENCH_MINUTES || 30);
const STEPS = 60;

function percentile(sorted, p) {
  const i = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, i)];
}

main(() => withServedApp(PORT, async (browser, base) => {
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  await page.goto(`${base}?nodes=9&seed=3&speed=1`);
  await page.waitForFunction(() => document.querySelector('[data-role="leader"]') !== null, null, { timeout: 20000 });
  await page.getByTestId('share-link').click();
  const link = await page.getByTestId('share-url').inputValue();
  const run = new URL(link).searchParams.get('run');
  const at = MINUTES * 60 * 1000 * 1000;
  const opened = Date.now();
  await page.goto(`${base}?run=${run}&at=${at}`);
  await page.waitForFunction((t) => {
    const el = document.querySelector('[data-testid="sim-time"]');
    return el && Number(el.getAttribute('data-us')) >= t
      && document.querySelectorAll('[data-testid="spacetime-message"]').length > 0;
  }, at, { timeout: 300000 });
  console.log(`opening a ${MINUTES}-minute run of 9 servers at its end (replay and history): ${((Date.now() - opened) / 1000).toFixed(1)} s`);
  const memory = await page.evaluate(() => (performance.memory ? performance.memory.usedJSHeapSize : 0));
  if (memory) console.log(`JS heap after opening: ${(memory / 1048576).toFixed(0)} MiB (the wasm memory is separate)`);

  const area = page.getByTestId('spacetime');
  for (const [label, key, presses] of [['2 s wide', 'End', 0], ['60 s wide', '-', 5], ['the whole run', 'Home', 0]]) {
    await area.focus();
    if (key === 'End') await page.keyboard.press('End');
    for (let i = 0; i < presses; i += 1) await page.keyboard.press(key);
    if (key === 'Home') await page.keyboard.press('Home');
    const times = await page.evaluate(async (steps) => {
      const el = document.querySelector('[data-testid="spacetime"]');
      const out = [];
      for (let i = 0; i < steps; i += 1) {
        const t0 = performance.now();
        el.dispatchEvent(new KeyboardEvent('keydown', { key: i % 20 < 10 ? 'ArrowLeft' : 'ArrowRight', bubbles: true }));
        // Yew renders in a microtask: a zero timeout runs after it.
        await new Promise((r) => setTimeout(r, 0));
        out.push(performance.now() - t0);
        await new Promise((r) => requestAnimationFrame(() => r()));
      }
      return out;
    }, STEPS);
    const sorted = times.slice().sort((a, b) => a - b);
    const arrows = await page.locator('[data-testid="spacetime-message"]').count();
    console.log(`pan, ${label}: work per step ms p50 ${percentile(sorted, 50).toFixed(2)}  p95 ${percentile(sorted, 95).toFixed(2)}  `
      + `max ${sorted[sorted.length - 1].toFixed(2)}  (${arrows} arrows drawn)`);
  }
}));
