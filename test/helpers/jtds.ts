// jTDS 1.3.1 (Debian's libjtds-java), an independent JDBC driver, driven line by line through
// test/fixtures/clients/JtdsScript.java: one JVM per connection, many commands per JVM.

import { execFileSync, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { REPO_ROOT } from './lab.js';

const JTDS_JAR = '/usr/share/java/jtds.jar';
const SCRIPT = join(REPO_ROOT, 'test', 'fixtures', 'clients', 'JtdsScript.java');

export interface JtdsConnection {
  /** The connect outcome: ['CONNECTED'] or ['ERR\t<code>\t<message>']. */
  connected: string[];
  /** One command (tab-separated fields); the lines it printed. `CONNECT <properties>` reconnects. */
  run(...fields: string[]): Promise<string[]>;
  close(): Promise<void>;
}

export function requireJtds(): void {
  if (!existsSync(JTDS_JAR)) throw new Error(`${JTDS_JAR} not found: apt-get install -y libjtds-java default-jdk-headless (.ci/run does)`);
}

let compiled: string | undefined;
/** Compiled once per test process: javac once is cheaper than the source launcher per JVM. */
function classDir(): string {
  if (!compiled) {
    const dir = mkdtempSync(join(tmpdir(), 'mirrorbook-jtds-'));
    process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
    execFileSync('javac', ['-d', dir, SCRIPT]);
    compiled = dir;
  }
  return compiled;
}

/** `properties` are jTDS URL properties, e.g. ';ssl=require;tds=8.0'. */
export async function openJtds(port: number, user: string, password: string, properties = ''): Promise<JtdsConnection> {
  requireJtds();
  const url = `jdbc:jtds:sqlserver://127.0.0.1:${port}/master`;
  const child: ChildProcessWithoutNullStreams = spawn('java', ['-cp', `${classDir()}:${JTDS_JAR}`, 'JtdsScript', url, user, password, properties], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const lines = createInterface({ input: child.stdout });
  const pending: string[] = [];
  let waiter: (() => void) | undefined;
  let ended = false;
  lines.on('line', (line) => {
    pending.push(line);
    waiter?.();
  });
  child.on('close', () => {
    ended = true;
    waiter?.();
  });
  const untilEnd = async (): Promise<string[]> => {
    const out: string[] = [];
    for (;;) {
      while (pending.length === 0) {
        if (ended) throw new Error(`jTDS client exited: ${stderr}\n${out.join('\n')}`);
        await new Promise<void>((resolve) => (waiter = resolve));
      }
      const line = pending.shift()!;
      if (line === 'END') return out;
      out.push(line);
    }
  };
  const connected = await untilEnd();
  return {
    connected,
    run: (...fields) => {
      child.stdin.write(fields.join('\t') + '\n');
      return untilEnd();
    },
    close: async () => {
      if (ended) return;
      const closed = new Promise<void>((resolve) => child.on('close', () => resolve()));
      child.stdin.end();
      await closed;
    },
  };
}
