// graphile-worker's side of `scripts/bench-queue --peer graphile`: the same three figures QueueBench takes
// for ingest, on the same PostgreSQL, with graphile-worker's published performance preset (local queue of
// 500, completions and failures batched) at the given concurrency.
//   node graphile-bench.mjs --db URL [--jobs N] [--concurrency C] [--samples S]
// Prints one JSON line: {"backend","jobs","concurrency","enqueue_jobs_per_s","process_jobs_per_s","latency_ms":{...}}
import { EventEmitter } from "node:events";
import { performance } from "node:perf_hooks";
import { Logger, makeWorkerUtils, run } from "graphile-worker";

// why: its default logger writes a line per job; ingest's worker logs none at its default level either.
const logger = new Logger(() => (level, message) => {
  if (level === "error" || level === "warning") console.error(message);
});

const args = Object.fromEntries(
  process.argv.slice(2).reduce((pairs, arg, i, all) => (arg.startsWith("--") ? [...pairs, [arg.slice(2), all[i + 1]]] : pairs), []),
);
if (!args.db) {
  console.error("usage: graphile-bench.mjs --db URL [--jobs N] [--concurrency C] [--samples S]");
  process.exit(2);
}
const jobs = Number(args.jobs ?? 20000);
const concurrency = Number(args.concurrency ?? 4);
const samples = Number(args.samples ?? 200);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

const utils = await makeWorkerUtils({ connectionString: args.db, logger });
await utils.migrate();

const enqueueStarted = performance.now();
for (let i = 0; i < jobs; i += 1000) {
  const batch = [];
  for (let j = i; j < Math.min(jobs, i + 1000); j++) {
    batch.push({ identifier: "noop", payload: {} });
  }
  await utils.addJobs(batch);
}
const enqueueSeconds = (performance.now() - enqueueStarted) / 1000;
console.error(`enqueued ${jobs} jobs in ${enqueueSeconds.toFixed(2)} s`);

const events = new EventEmitter();
let firstStart = 0;
let succeeded = 0;
let allDone;
const done = new Promise((resolve) => (allDone = resolve));
let onStart = null;
events.on("job:start", () => {
  const now = performance.now();
  if (firstStart === 0) firstStart = now;
  if (onStart) onStart(now);
});
events.on("job:success", () => {
  if (++succeeded === jobs) allDone(performance.now());
});

const runner = await run({
  preset: {
    worker: {
      connectionString: args.db,
      concurrentJobs: concurrency,
      maxPoolSize: concurrency + 1,
      // https://worker.graphile.org/docs/performance: the configuration behind its published figures
      localQueue: { size: 500 },
      completeJobBatchDelay: 0,
      failJobBatchDelay: 0,
    },
  },
  noHandleSignals: true,
  logger,
  events,
  taskList: { noop: async () => {} },
});
const lastDone = await done;
const processSeconds = (lastDone - firstStart) / 1000;
console.error(`completed ${jobs} jobs in ${processSeconds.toFixed(2)} s`);

// why: the batched completions of the last jobs land before the pickup samples start.
await sleep(200);
const latencies = [];
for (let i = 0; i < samples; i++) {
  await sleep(20 + ((i * 7) % 30)); // idle gaps of 20-50 ms, as single jobs arrive
  const started = new Promise((resolve) => (onStart = resolve));
  const added = performance.now();
  await utils.addJob("noop", {});
  latencies.push((await started) - added);
  onStart = null;
}
latencies.sort((a, b) => a - b);
const pct = (p) => Math.round(latencies[Math.min(latencies.length - 1, Math.ceil((p / 100) * latencies.length) - 1)]);

await runner.stop();
await utils.release();
console.log(
  JSON.stringify({
    backend: "graphile-worker",
    jobs,
    concurrency,
    enqueue_jobs_per_s: Math.round(jobs / enqueueSeconds),
    process_jobs_per_s: Math.round(jobs / processSeconds),
    latency_ms: { p50: pct(50), p95: pct(95), p99: pct(99) },
  }),
);
