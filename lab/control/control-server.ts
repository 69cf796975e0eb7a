// The lab process's control channel: HTTP on 127.0.0.1, a random token per process start.

import { createServer, type IncomingMessage, type Server } from 'node:http';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { ControlError, type ControlRequest, type ControlResponse } from './control-protocol.js';

export interface ControlServer {
  port: number;
  token: string;
  close(): Promise<void>;
}

const MAX_BODY = 64 * 1024;

export async function startControlServer(handle: (request: ControlRequest) => Promise<unknown>): Promise<ControlServer> {
  const token = randomBytes(24).toString('hex');
  const expected = Buffer.from(`Bearer ${token}`);
  const server: Server = createServer((req, res) => {
    const reply = (status: number, body: ControlResponse): void => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    const given = Buffer.from(req.headers.authorization ?? '');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      reply(401, { ok: false, error: 'bad or missing control token' });
      return;
    }
    if (req.method !== 'POST' || req.url !== '/control') {
      reply(404, { ok: false, error: 'POST /control only' });
      return;
    }
    readBody(req).then(
      async (text) => {
        const request = JSON.parse(text) as ControlRequest;
        try {
          reply(200, { ok: true, result: await handle(request) });
        } catch (error) {
          if (error instanceof ControlError)
            reply(200, { ok: false, error: error.message, ...(error.hint ? { hint: error.hint } : {}), ...(error.usage ? { usage: true } : {}) });
          else reply(500, { ok: false, error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
        }
      },
      (error: unknown) => reply(400, { ok: false, error: String(error) }),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    token,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let size = 0;
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) {
        reject(new Error('request too large'));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
