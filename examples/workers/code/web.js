// The front: port 3000, spreading requests over the workers' sockets in turn,
// and a small job queue on the data volume for the background runner (jobs.sh).
//   GET  /          answered by the next worker
//   GET  /status    worker count, jobs done, ticks of the periodic program
//   POST /jobs?name=NAME   queue a job (Authorization: Bearer $API_TOKEN)
"use strict";
const http = require("http");
const fs = require("fs");
const path = require("path");

const port = Number(process.env.PORT || 3000);
const workers = Number(process.env.WORKERS || 1);
const token = process.env.API_TOKEN; // a [[secrets]] entry: the same on every start
const queue = "/app/data/queue";
const done = "/app/data/done";
let next = 0;

function toWorker(req, res) {
  const n = (next++ % workers) + 1;
  const up = http.request({ socketPath: `/run/app/worker-${n}.sock`, path: req.url, method: req.method }, (r) => {
    res.writeHead(r.statusCode, r.headers);
    r.pipe(res);
  });
  up.on("error", (e) => { res.statusCode = 502; res.end(`worker ${n}: ${e.message}\n`); });
  req.pipe(up);
}

function count(dir) {
  try { return fs.readdirSync(dir).length; } catch (e) { return 0; }
}

function status(res) {
  let ticks = 0;
  try { ticks = fs.readFileSync("/app/data/ticks", "utf8").split("\n").filter(Boolean).length; } catch (e) { /* none yet */ }
  const names = fs.readdirSync(done).sort().map((f) => fs.readFileSync(path.join(done, f), "utf8").trim());
  res.end(`workers: ${workers}\nqueued: ${count(queue)}\ndone: ${names.join(", ")}\nticks: ${ticks}\n`);
}

function enqueue(req, res) {
  if (req.headers.authorization !== `Bearer ${token}`) {
    res.statusCode = 401;
    res.end("bad token\n");
    return;
  }
  const name = new URL(req.url, "http://x").searchParams.get("name") || "";
  if (!/^[a-z0-9-]+$/.test(name)) {
    res.statusCode = 400;
    res.end("name must be [a-z0-9-]+\n");
    return;
  }
  // Written aside, then renamed: the runner never sees half a job.
  const file = `${Date.now()}-${process.hrtime.bigint()}.job`;
  fs.writeFileSync(path.join(queue, "." + file), name + "\n");
  fs.renameSync(path.join(queue, "." + file), path.join(queue, file));
  res.end(`queued: ${name}\n`);
}

const server = http.createServer((req, res) => {
  res.setHeader("content-type", "text/plain");
  if (req.url === "/healthz") return res.end("ok\n");
  if (req.url === "/status") return status(res);
  if (req.method === "POST" && req.url.startsWith("/jobs")) return enqueue(req, res);
  toWorker(req, res);
});
server.listen(port, () => console.log(`web listening on :${port}, ${workers} workers`));
process.on("SIGTERM", () => process.exit(0));
