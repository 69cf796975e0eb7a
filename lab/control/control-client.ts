// Talks to a running lab process through its control file.

import { request as httpRequest } from 'node:http';
import { processAlive, readControlFile, type ControlEndpoint } from './control-file.js';
import { ControlError, type ControlRequest, type ControlResponse } from './control-protocol.js';
import { labDir } from './lab-dir.js';

/** The running lab's control endpoint, or null when no live process serves the directory. */
export function findRunningLab(root: string): ControlEndpoint | null {
  const endpoint = readControlFile(labDir(root).control);
  return endpoint && processAlive(endpoint.pid) ? endpoint : null;
}

export class LabNotRunningError extends ControlError {
  constructor(root: string) {
    super(`no lab is running in ${root}`, `start one with: mirrorbook lab start --dir ${root}`);
    this.name = 'LabNotRunningError';
  }
}

export async function sendControl<T = unknown>(root: string, request: ControlRequest): Promise<T> {
  const endpoint = findRunningLab(root);
  if (!endpoint) throw new LabNotRunningError(root);
  const body = JSON.stringify(request);
  const response = await new Promise<ControlResponse>((resolve, reject) => {
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port: endpoint.port,
        path: '/control',
        method: 'POST',
        headers: { authorization: `Bearer ${endpoint.token}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (text += d));
        res.on('end', () => {
          try {
            resolve(JSON.parse(text) as ControlResponse);
          } catch {
            reject(new Error(`lab control answered HTTP ${res.statusCode ?? '?'}: ${text.slice(0, 200)}`));
          }
        });
      },
    );
    req.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ECONNREFUSED' || error.code === 'ECONNRESET') reject(new LabNotRunningError(root));
      else reject(error);
    });
    req.end(body);
  });
  if (!response.ok) throw new ControlError(response.error, response.hint, response.usage === true);
  return response.result as T;
}
