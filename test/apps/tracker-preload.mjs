// `node --import` this into a test app's server: its postbacks to https://tracker.example (the tracker the README's
// snippets name) reach the test's local tracker instead ($CLICKTRAIL_TEST_TRACKER), as Chromium's host-resolver
// rule does for the browser tests. The app's own code runs unchanged; nothing leaves the machine.
const tracker = process.env.CLICKTRAIL_TEST_TRACKER;
const realFetch = globalThis.fetch;

globalThis.fetch = async (input, init) => {
  const request = new Request(input, init);
  const url = new URL(request.url);
  if (!tracker || url.hostname !== 'tracker.example') return realFetch(input, init);
  const body = ['GET', 'HEAD'].includes(request.method) ? undefined : await request.arrayBuffer();
  return realFetch(`${tracker}${url.pathname}${url.search}`, {
    method: request.method,
    headers: request.headers,
    body,
    signal: request.signal,
  });
};
