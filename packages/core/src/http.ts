/**
 * `@jdcast/core/http`: the HTTP side of a running engine — the dashboard, the control API under
 * /api, /api/events (SSE), /metrics and /healthz (docs/http.md). An entry of its own, loaded only
 * when asked for: prom-client and the dashboard are no part of time to air.
 *
 * @module @jdcast/core/http
 */
export { serveHttp, type HttpOptions, type HttpServer } from './http/server.js';
