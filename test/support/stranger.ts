/**
 * Another host, not Strava, for the redirect tests: it answers every request 200 with a fixed
 * JSON body and keeps what it received, so a test can show that nothing reached it.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Stranger {
  url: string;
  /** host:port, as messages name it. */
  host: string;
  /** Every request it received: method, path and query, body, Authorization header. */
  received: { method: string; url: string; body: string; authorization?: string }[];
  close(): Promise<void>;
}

export async function startStranger(body: unknown): Promise<Stranger> {
  const received: Stranger['received'] = [];
  const server = http.createServer((req, res) => {
    let text = '';
    req.on('data', (c: Buffer) => (text += c.toString()));
    req.on('end', () => {
      received.push({
        method: req.method ?? '',
        url: req.url ?? '',
        body: text,
        ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}),
      });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    host: new URL(url).host,
    received,
    close: () =>
      new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      }),
  };
}
