// Shared helpers for the end-to-end tests.

/**
 * Opens a page and collects console errors and uncaught exceptions, so that every test can assert
 * that the app ran cleanly.
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

module.exports = { openApp };
