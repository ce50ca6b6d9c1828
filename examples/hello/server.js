// The smallest app: answers on port 3000 and keeps a visit counter in
// /app/data so a restart over the same volume shows the data survived.
"use strict";
const http = require("http");
const fs = require("fs");

const port = Number(process.env.PORT || 3000);
const counterFile = "/app/data/visits";

function visits() {
  let n = 0;
  try { n = Number(fs.readFileSync(counterFile, "utf8")) || 0; } catch (e) { /* first visit */ }
  n += 1;
  fs.writeFileSync(counterFile + ".tmp", String(n));
  fs.renameSync(counterFile + ".tmp", counterFile);
  return n;
}

const server = http.createServer((req, res) => {
  if (req.url === "/healthz") { res.end("ok\n"); return; }
  const n = visits();
  res.setHeader("content-type", "text/plain");
  res.end(`hello from ${process.env.APP_NAME} as uid ${process.getuid()}, visit ${n}\n`);
});

server.listen(port, () => console.log(`listening on :${port}`));
// Exit promptly on SIGTERM so `docker stop` takes milliseconds, not the grace period.
process.on("SIGTERM", () => { console.log("SIGTERM: closing"); server.close(() => process.exit(0)); });
