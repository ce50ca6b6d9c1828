// A stand-in app server: answers every request with 200 and the
// environment it was given.
const http = require("http");
const port = Number(process.env.PORT);
http.createServer((req, res) => {
  res.end(JSON.stringify({ url: process.env.APP_URL, db: process.env.DATABASE_URL }));
}).listen(port, "127.0.0.1");
