// How long the emulated control-plane APIs keep an idle keep-alive connection open. Real API front
// ends keep one open far longer than Node's 5 s default (Elastic Load Balancing: 60 s by default).
// A server that closes an idle connection just as the client reuses it resets that request
// (nodejs/node#20256; the AWS SDK retries it as transient, aws-sdk-js-v3#1196), so with Node's
// 5 s the emulators would reset requests that a real service would have served.
import type http from 'node:http';

export const API_KEEP_ALIVE_MS = 60_000;

/** The server with the idle keep-alive time of a real API front end. */
export function withApiKeepAlive<S extends http.Server>(server: S): S {
  server.keepAliveTimeout = API_KEEP_ALIVE_MS;
  return server;
}
