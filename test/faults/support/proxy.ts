/**
 * A small HTTP proxy on 127.0.0.1 (node:http) in front of a real server (moto, the Strava
 * simulator) that decides, request by request, to pass it on (after a delay, or dropping the
 * connection once the server has answered), to answer it itself, or to drop the connection
 * before it reaches the server. Every request and what became of it is logged.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

export interface ProxyRequest {
  /** 1 for the first request the proxy sees. */
  n: number;
  method: string;
  /** The path without the query. */
  path: string;
  query: URLSearchParams;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  /** Path and query exactly as sent (signed requests must reach the server unchanged). */
  rawUrl: string;
}

export type ProxyAction =
  /** To the server; `dropAnswer`: the server acts on it, the client never hears back. */
  | { kind: 'forward'; delayMs?: number; dropAnswer?: boolean }
  /** Answered by the proxy; the server never sees it. */
  | { kind: 'answer'; status: number; body?: string; headers?: Record<string, string> }
  /** The connection is cut before anything reaches the server. */
  | { kind: 'drop' };

export interface ProxyLogEntry {
  n: number;
  method: string;
  path: string;
  action: ProxyAction['kind'] | 'forward+drop';
  headers: http.IncomingHttpHeaders;
  /** The status the client received; undefined when the connection was cut. */
  status?: number;
  /** The server's answer, when the client received it. */
  answer?: Buffer;
}

export interface Proxy {
  url: string;
  log: ProxyLogEntry[];
  close(): Promise<void>;
}

export type Decide = (req: ProxyRequest) => ProxyAction | Promise<ProxyAction>;

export const FORWARD: ProxyAction = { kind: 'forward' };

export async function startProxy(target: string, decide: Decide): Promise<Proxy> {
  const upstream = new URL(target);
  const log: ProxyLogEntry[] = [];
  let count = 0;

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://proxy');
      const request: ProxyRequest = {
        n: ++count,
        method: req.method ?? 'GET',
        path: url.pathname,
        query: url.searchParams,
        headers: req.headers,
        body: Buffer.concat(chunks),
        rawUrl: req.url ?? '/',
      };
      const entry: ProxyLogEntry = {
        n: request.n,
        method: request.method,
        path: request.path,
        action: 'forward',
        headers: req.headers,
      };
      log.push(entry);
      void handle(request, req, res, entry).catch(() => req.socket.destroy());
    });
  });

  const handle = async (
    request: ProxyRequest,
    req: http.IncomingMessage,
    res: http.ServerResponse,
    entry: ProxyLogEntry,
  ) => {
    const action = await decide(request);
    entry.action = action.kind;
    if (action.kind === 'drop') {
      req.socket.destroy();
      return;
    }
    if (action.kind === 'answer') {
      entry.status = action.status;
      res.writeHead(action.status, { 'content-type': 'application/xml', ...action.headers });
      res.end(request.method === 'HEAD' ? undefined : action.body);
      return;
    }
    if (action.delayMs) await sleep(action.delayMs);
    const answer = await send(upstream, request);
    if (action.dropAnswer) {
      entry.action = 'forward+drop';
      req.socket.destroy();
      return;
    }
    entry.status = answer.status;
    entry.answer = answer.body;
    res.writeHead(answer.status, answer.headers);
    res.end(answer.body);
  };

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    log,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** One request to the real server, answered in full. */
function send(
  upstream: URL,
  request: ProxyRequest,
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
  // The body is already whole here, so the server is not asked to say "continue" first.
  const { expect: _expect, ...headers } = request.headers;
  return new Promise((resolve, reject) => {
    const out = http.request(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: request.method,
        path: request.rawUrl,
        headers,
      },
      (answer) => {
        const chunks: Buffer[] = [];
        answer.on('data', (c: Buffer) => chunks.push(c));
        answer.on('end', () =>
          resolve({
            status: answer.statusCode ?? 502,
            headers: answer.headers,
            body: Buffer.concat(chunks),
          }),
        );
        answer.on('error', reject);
      },
    );
    out.on('error', reject);
    out.end(request.body);
  });
}

/** Resolves for everyone once `n` callers are waiting: releases racers together. */
export function barrier(n: number): () => Promise<void> {
  let waiting = 0;
  let release!: () => void;
  const all = new Promise<void>((resolve) => (release = resolve));
  return () => {
    if (++waiting >= n) release();
    return all;
  };
}
