// A small table router: method + path pattern → handler. A path that matches with another
// method answers 405 with `Allow`; no match answers 404.
import type { Env } from "./env";
import { invalid } from "./validate";

export interface Ctx {
  request: Request;
  url: URL;
  env: Env;
  params: Record<string, string>;
  exec: ExecutionContext;
}

export type Handler = (ctx: Ctx) => Promise<Response> | Response;

interface Route {
  method: string;
  pattern: RegExp;
  keys: string[];
  handler: Handler;
}

export class Router {
  private routes: Route[] = [];

  /** `path` with `{name}` segments, e.g. `/v1/orders/{id}/events`. */
  on(method: string, path: string, handler: Handler): this {
    const keys: string[] = [];
    const source = path.replace(/[.*+?^$()|[\]\\]/g, "\\$&").replace(/\{(\w+)\}/g, (_m, k: string) => {
      keys.push(k);
      return "([^/]+)";
    });
    this.routes.push({ method, pattern: new RegExp(`^${source}$`), keys, handler });
    return this;
  }

  /** The handler for a request, or why there is none. */
  match(method: string, path: string): { handler: Handler; params: Record<string, string> } | { allow: string[] } | null {
    const allow: string[] = [];
    for (const r of this.routes) {
      const m = r.pattern.exec(path);
      if (!m) continue;
      if (r.method === method || (method === "HEAD" && r.method === "GET")) {
        const params: Record<string, string> = {};
        r.keys.forEach((k, i) => {
          try {
            params[k] = decodeURIComponent(m[i + 1]!);
          } catch {
            // A malformed escape (`%ZZ`) is the client's mistake, not a 500.
            throw invalid(k, "not a valid percent-encoded path segment");
          }
        });
        return { handler: r.handler, params };
      }
      allow.push(r.method);
    }
    return allow.length > 0 ? { allow } : null;
  }
}
