// Frame-time benchmark (run by scripts/bench, never by the tests): 9 nodes, a client sending
// every 50 ms of virtual time, messages slow enough that at least 30 are on screen, for 10 s of
// real time in headless Chromium. Prints p50, p95 and p99 of the per-frame work (simulation step
// plus Yew render and DOM patch; see src/ui/frame_probe.rs) and how many messages were drawn.
const { withServedApp, main } = require('./harness');

const PORT = Number(process.env.RAFTSIM_BENCH_PORT || 4199);
const SECONDS = Number(process.env.RAFTSIM_BENCH_SECONDS || 10);

function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, i)];
}

async function setNumber(page, testid, value) {
  const input = page.getByTestId(testid);
  await input.fill(String(value));
  await input.dispatchEvent('change');
}

main(() => withServedApp(PORT, async (browser, base) => {
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  await page.goto(`${base}?nodes=9&speed=1&seed=3&bench=1${process.env.RAFTSIM_BENCH_QUERY || ""}`);
  await page.getByTestId('brand').waitFor();
  // Slow links keep many messages in flight; timeouts grow with them so elections stay rare.
  await page.locator('details.settings summary').click();
  await setNumber(page, 'election-max', 1200);
  await setNumber(page, 'election-min', 600);
  await setNumber(page, 'latency-max', 160);
  await setNumber(page, 'latency-min', 80);
  await page.getByTestId('auto-client-period').fill('50');
  await page.getByTestId('auto-client-period').dispatchEvent('change');
  await page.waitForFunction(() => document.querySelector('[data-role="leader"]') !== null, null, { timeout: 20000 });
  await page.waitForTimeout(1500);
  await page.evaluate(() => {
    document.documentElement.removeAttribute('data-frame-ms');
    // The whole frame as the browser does it: from the frame's start (the animation-frame
    // timestamp) to the first task after it, which runs once style, layout and paint are done.
    window.__wholeFrameMs = [];
    const channel = new MessageChannel();
    let started = 0;
    channel.port1.onmessage = () => window.__wholeFrameMs.push(performance.now() - started);
    const loop = (t) => { started = t; channel.port2.postMessage(0); requestAnimationFrame(loop); };
    requestAnimationFrame(loop);
  });
  const onScreen = [];
  const end = Date.now() + SECONDS * 1000;
  while (Date.now() < end) {
    onScreen.push(await page.locator('[data-testid="message"]').count());
    await page.waitForTimeout(250);
  }
  const samples = await page.evaluate(() =>
    (document.documentElement.dataset.frameMs || '').split(',').filter(Boolean).map((us) => Number(us) / 1000));
  const whole = (await page.evaluate(() => window.__wholeFrameMs.slice())).sort((a, b) => a - b);
  const sorted = samples.slice().sort((a, b) => a - b);
  const mean = onScreen.reduce((a, b) => a + b, 0) / onScreen.length;
  const fmt = (x) => x.toFixed(2);
  console.log(`frames measured: ${samples.length} over ${SECONDS} s`);
  console.log(`frame work ms: p50 ${fmt(percentile(sorted, 50))}  p95 ${fmt(percentile(sorted, 95))}  `
    + `p99 ${fmt(percentile(sorted, 99))}  max ${fmt(sorted[sorted.length - 1])}`);
  console.log(`whole frame ms (with style, layout, paint): p50 ${fmt(percentile(whole, 50))}  `
    + `p95 ${fmt(percentile(whole, 95))}  p99 ${fmt(percentile(whole, 99))}  (${whole.length} frames)`);
  // The same work as CPU time (the main thread's own time in each animation frame, from a
  // trace): on a machine with few cores the wall-clock figures above include the time the
  // page's thread waited while the browser's raster threads ran.
  await browser.startTracing(page, { categories: ['devtools.timeline'] });
  await page.waitForTimeout(5000);
  const events = JSON.parse((await browser.stopTracing()).toString()).traceEvents;
  const frames = events.filter((e) => e.name === 'FireAnimationFrame' && e.ph === 'X');
  if (frames.length > 0) {
    const main = frames[0].tid;
    // A frame runs every animation-frame callback back to back (the page's, and the whole-frame
    // probe's above): add up those that start within a few milliseconds of each other.
    const cpu = [];
    let start = -Infinity;
    for (const e of frames.slice().sort((a, b) => a.ts - b.ts)) {
      if (e.ts - start > 4000) {
        start = e.ts;
        cpu.push(0);
      }
      cpu[cpu.length - 1] += (e.tdur || 0) / 1000;
    }
    cpu.sort((a, b) => a - b);
    const per = (name) => events.filter((e) => e.name === name && e.ph === 'X' && e.tid === main)
      .reduce((sum, e) => sum + (e.tdur || 0), 0) / 1000 / cpu.length;
    console.log(`frame work, CPU time (traced, ${cpu.length} frames): p50 ${fmt(percentile(cpu, 50))}  `
      + `p95 ${fmt(percentile(cpu, 95))}; then per frame: style ${fmt(per('UpdateLayoutTree'))}, `
      + `layout ${fmt(per('Layout'))}, paint ${fmt(per('Paint'))} ms`);
  }
  console.log(`messages on screen: mean ${mean.toFixed(1)}, min ${Math.min(...onScreen)}, max ${Math.max(...onScreen)}`);
}));
