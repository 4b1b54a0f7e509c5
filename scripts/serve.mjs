// A small static file server: www/ at `/` and pkg/ at `/pkg/`, on 127.0.0.1:${PORT:-8787}.
// Stands in for the edge worker under `make demo` until the worker serves the storefront, and is
// reused by the browser tests (`createStaticServer`). The .wasm goes out as application/wasm so
// that browsers compile it while it streams.
import { createServer } from "node:http";
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { extname, join, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";

const MIME = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".wasm": "application/wasm",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".ts": "text/plain; charset=utf-8",
  ".txt": "text/plain; charset=utf-8",
};

/**
 * An http.Server serving each mount (`{ "/pkg/": "/abs/pkg", "/": "/abs/www" }`, longest prefix
 * first) with index.html for directories. Paths never escape their mount's directory.
 */
export function createStaticServer(mounts) {
  const table = Object.entries(mounts)
    .map(([prefix, dir]) => [prefix, resolve(dir)])
    .sort((a, b) => b[0].length - a[0].length);
  return createServer(async (req, res) => {
    try {
      if (req.method !== "GET" && req.method !== "HEAD") {
        return send(res, 405, "method not allowed");
      }
      const path = decodeURIComponent(new URL(req.url, "http://localhost").pathname);
      const mount = table.find(([prefix]) => path.startsWith(prefix));
      if (!mount) return send(res, 404, "not found");
      const [prefix, dir] = mount;
      let file = resolve(join(dir, path.slice(prefix.length)));
      if (file !== dir && !file.startsWith(dir + sep)) return send(res, 403, "forbidden");
      let info = await stat(file).catch(() => null);
      if (info?.isDirectory()) {
        file = join(file, "index.html");
        info = await stat(file).catch(() => null);
      }
      if (!info?.isFile()) return send(res, 404, "not found");
      res.writeHead(200, {
        "content-type": MIME[extname(file)] ?? "application/octet-stream",
        "content-length": info.size,
        // Development server: always serve what the last build wrote.
        "cache-control": "no-store",
      });
      if (req.method === "HEAD") return res.end();
      createReadStream(file).pipe(res);
    } catch (err) {
      send(res, 500, String(err));
    }
  });
}

function send(res, status, text) {
  res.writeHead(status, { "content-type": "text/plain; charset=utf-8" });
  res.end(text + "\n");
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const root = resolve(fileURLToPath(new URL("..", import.meta.url)));
  const port = Number(process.env.PORT ?? 8787);
  const server = createStaticServer({ "/pkg/": join(root, "pkg"), "/": join(root, "www") });
  server.listen(port, "127.0.0.1", () => {
    console.log(`serve: www/ at http://127.0.0.1:${port}/ and pkg/ at /pkg/ (Ctrl-C stops)`);
  });
}
