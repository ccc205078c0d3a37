// HTTP load in a worker thread, so that the client does not share the server's event loop:
// autocannon over a list of requests for a duration, every 200 answer's latency sent back.
// Plain JavaScript: worker threads do not inherit the TypeScript loader.
import { parentPort, workerData } from 'node:worker_threads';
import autocannon from 'autocannon';

const { url, connections, duration, headers, paths } = workerData;
const latencies = [];
let bad = 0;
const t0 = performance.now();
const inst = autocannon({ url, connections, duration, headers, requests: paths.map((path) => ({ method: 'GET', path })) }, (err, result) => {
  if (err) throw err;
  parentPort.postMessage({ latencies, bad, errors: result.errors, seconds: (performance.now() - t0) / 1000 });
});
inst.on('response', (_client, status, _bytes, ms) => {
  if (status === 200) latencies.push(ms);
  else bad++;
});
