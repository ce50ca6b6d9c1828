// One worker: answers on a Unix socket of its own, /run/app/worker-N.sock,
// where N is $APPSTART_INSTANCE (1..$WORKERS). appstart runs ${WORKERS} of
// them (instances) and starts web only once every socket exists (ready).
"use strict";
const http = require("http");
const fs = require("fs");

const n = process.env.APPSTART_INSTANCE || "1"; // unset when instances = 1
const sock = `/run/app/worker-${n}.sock`;
let served = 0;

fs.rmSync(sock, { force: true }); // a socket left by a killed predecessor
const server = http.createServer((req, res) => {
  served++;
  res.setHeader("content-type", "text/plain");
  res.end(`served by: ${n}\nworker requests: ${served}\n`);
});
server.listen(sock, () => console.log(`worker ${n} listening on ${sock} (pid ${process.pid})`));
process.on("SIGTERM", () => process.exit(0));
