/**
 * vitest globalSetup for the `s3` and `interop` projects: starts a real S3-compatible server
 * (moto, installed by `npm run setup:oracles`) on 127.0.0.1 and a free port, hands its endpoint
 * to the tests as `inject('motoEndpoint')`, and stops it when the run ends.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** http://127.0.0.1:<port> of the moto server for this run. */
    motoEndpoint: string;
  }
}

const MOTO_SERVER = fileURLToPath(new URL('../../.oracles/venv/bin/moto_server', import.meta.url));
const START_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 5_000;
// A free port can be taken between finding it and moto binding it; try a few.
const START_ATTEMPTS = 3;

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  if (!fs.existsSync(MOTO_SERVER)) {
    throw new Error(
      `The S3 test server is not installed (${MOTO_SERVER} is missing): run \`npm run setup:oracles\` first.`,
    );
  }
  let lastError: unknown;
  for (let attempt = 0; attempt < START_ATTEMPTS; attempt++) {
    const port = await freePort();
    const server = spawn(MOTO_SERVER, ['-H', '127.0.0.1', '-p', String(port)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const output = keepTail(server);
    const endpoint = `http://127.0.0.1:${port}`;
    try {
      await waitUntilAnswering(endpoint, server, output);
    } catch (err) {
      lastError = err;
      await stop(server);
      continue;
    }
    project.provide('motoEndpoint', endpoint);
    return () => stop(server);
  }
  throw lastError;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

/** The last few KB of the server's output, for a start-up failure message. */
function keepTail(server: ChildProcess): () => string {
  let tail = '';
  const keep = (chunk: Buffer) => {
    tail = (tail + chunk.toString()).slice(-4096);
  };
  server.stdout?.on('data', keep);
  server.stderr?.on('data', keep);
  return () => tail;
}

async function waitUntilAnswering(
  endpoint: string,
  server: ChildProcess,
  output: () => string,
): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (server.exitCode !== null || server.signalCode !== null) {
      throw new Error(`moto_server exited during start-up:\n${output()}`);
    }
    try {
      await (await fetch(`${endpoint}/moto-api/`)).arrayBuffer();
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  throw new Error(`moto_server did not answer on ${endpoint} within 60 s:\n${output()}`);
}

async function stop(server: ChildProcess): Promise<void> {
  if (server.exitCode !== null || server.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => server.once('exit', () => resolve()));
  server.kill('SIGTERM');
  const timer = setTimeout(() => server.kill('SIGKILL'), STOP_TIMEOUT_MS);
  await exited;
  clearTimeout(timer);
}
