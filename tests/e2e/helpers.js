// Shared helpers for the end-to-end tests.
const { expect } = require('@playwright/test');

/**
 * Opens the app and collects console errors and uncaught exceptions, so that every test can
 * assert that the app ran cleanly. Resolves once Rust has rendered the page.
 */
async function openApp(page, query = '') {
  const errors = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(msg.text());
  });
  page.on('pageerror', (err) => errors.push(String(err)));
  await page.goto(`/${query}`);
  // The brand is rendered by Rust: seeing it proves the wasm app started.
  await page.getByTestId('brand').waitFor();
  return errors;
}

/** The names of the nodes currently in the given role, e.g. ['B']. */
async function nodesInRole(page, role) {
  return page.$$eval(`[data-testid^="node-"][data-role="${role}"]`, (els) =>
    els.map((el) => el.getAttribute('data-testid').slice('node-'.length)));
}

/** Waits until exactly one node leads and returns its name and term. */
async function waitForLeader(page, { not = null, timeout = 20_000 } = {}) {
  let leader = null;
  await expect.poll(async () => {
    const leaders = await nodesInRole(page, 'leader');
    leader = leaders.length === 1 && leaders[0] !== not ? leaders[0] : null;
    return leader;
  }, { timeout, message: 'waiting for a single leader' }).not.toBeNull();
  const term = Number(await page.getByTestId(`node-${leader}`).getAttribute('data-term'));
  return { leader, term };
}

/** Every node's displayed value, by name. */
async function nodeValues(page) {
  return page.$$eval('[data-testid^="node-"][data-role]', (els) => Object.fromEntries(els.map((el) => [
    el.getAttribute('data-testid').slice('node-'.length),
    el.querySelector('[data-testid="node-value"]').textContent,
  ])));
}

/** Sends a client command to the named server, chosen in the client panel's "To" menu. */
async function sendTo(page, node, command) {
  await page.getByTestId('client-target').selectOption(String('ABCDEFGHI'.indexOf(node)));
  await page.getByTestId('client-command').fill(command);
  await page.getByTestId('client-send').click();
}

/**
 * The cluster as the page shows it: each node's role, term and value, every log entry, the
 * messages in flight and the virtual time. Two equal snapshots mean the same picture.
 */
async function snapshot(page) {
  return page.evaluate(() => ({
    nodes: [...document.querySelectorAll('[data-testid^="node-"][data-role]')].map((n) =>
      `${n.dataset.testid}:${n.dataset.role}:${n.dataset.term}:${n.querySelector('[data-testid="node-value"]').textContent}`),
    entries: [...document.querySelectorAll('[data-testid="log-entry"]')].map((e) =>
      `${e.dataset.node}${e.dataset.index}:${e.dataset.term}:${e.dataset.committed}:${e.textContent}`),
    messages: [...document.querySelectorAll('[data-testid="message"]')].map((m) => `${m.dataset.type}#${m.dataset.id}`),
    time: document.querySelector('[data-testid="sim-time"]').dataset.us,
  }));
}

/**
 * Waits until the tour step has run. A step that asks a question waits for an answer first:
 * `answer` picks which (the first by default).
 */
async function waitUntilDone(page, { answer = 0 } = {}) {
  const tour = page.getByTestId('tour');
  await expect(tour).toHaveAttribute('data-status', /^(done|asking)$/, { timeout: 30_000 });
  if (await tour.getAttribute('data-status') === 'asking') {
    await page.getByTestId('question-answer').nth(answer).click();
  }
  await expect(tour).toHaveAttribute('data-status', 'done', { timeout: 30_000 });
}

module.exports = { openApp, waitUntilDone, nodesInRole, waitForLeader, nodeValues, sendTo, snapshot };
