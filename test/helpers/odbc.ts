// FreeTDS ODBC (Debian's tdsodbc + unixodbc + python3-pyodbc), an independent client, driven
// through test/fixtures/clients/odbc_script.py: one Python process per connection, many commands.

import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { REPO_ROOT } from './lab.js';

const DRIVER = '/usr/lib/x86_64-linux-gnu/odbc/libtdsodbc.so';
const PYTHON = '/usr/bin/python3';
const SCRIPT = join(REPO_ROOT, 'test', 'fixtures', 'clients', 'odbc_script.py');

export type OdbcAnswer = { connected?: true; rows?: unknown[][]; ok?: true; error?: string };

export interface OdbcConnection {
  connected: OdbcAnswer;
  /** ['query', sql, ...params] | ['commit'] | ['rollback'] */
  run(...command: unknown[]): Promise<OdbcAnswer>;
  close(): Promise<void>;
}

/** A manual-commit (autocommit off) connection speaking `tdsVersion`. */
export async function openOdbc(port: number, user: string, password: string, tdsVersion = '7.4'): Promise<OdbcConnection> {
  if (!existsSync(DRIVER)) throw new Error(`${DRIVER} not found: apt-get install -y tdsodbc unixodbc python3-pyodbc (.ci/run does)`);
  const connection = `DRIVER=${DRIVER};SERVER=127.0.0.1;PORT=${port};UID=${user};PWD=${password};DATABASE=master;TDS_Version=${tdsVersion};ClientCharset=UTF-8`;
  const child = spawn(PYTHON, [SCRIPT, connection], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const pending: string[] = [];
  let waiter: (() => void) | undefined;
  let ended = false;
  createInterface({ input: child.stdout }).on('line', (line) => {
    pending.push(line);
    waiter?.();
  });
  child.on('close', () => {
    ended = true;
    waiter?.();
  });
  const next = async (): Promise<OdbcAnswer> => {
    while (pending.length === 0) {
      if (ended) throw new Error(`ODBC client exited: ${stderr}`);
      await new Promise<void>((resolve) => (waiter = resolve));
    }
    return JSON.parse(pending.shift()!) as OdbcAnswer;
  };
  const connected = await next();
  return {
    connected,
    run: (...command) => {
      child.stdin.write(JSON.stringify(command) + '\n');
      return next();
    },
    close: async () => {
      if (ended) return;
      const closed = new Promise<void>((resolve) => child.on('close', () => resolve()));
      child.stdin.end();
      await closed;
    },
  };
}
