// One client connection: PRELOGIN → [TLS] → LOGIN7 → requests, one at a time, with ATTENTION
// handled while a request runs. Malformed input closes this connection only.

import type { Socket } from 'node:net';
import type { BatchRequest, SessionInfo, SqlHandler, SqlMessage, SqlValue } from './handler.js';
import { ByteWriter } from './byte-writer.js';
import { MessageAssembler, type IncomingMessage } from './message-assembler.js';
import { parseLogin7 } from './login7.js';
import { loginFailureTokens, loginSuccessTokens } from './login-reply.js';
import { DEFAULT_PACKET_SIZE, MAX_PACKET_SIZE, MIN_PACKET_SIZE, PacketCounter, PacketStatus, PacketType, toPackets } from './packet.js';
import { Encryption, answerEncryption, buildPreloginReply, parsePrelogin } from './prelogin.js';
import { OversizedMessage, TdsProtocolError } from './protocol-error.js';
import { parseRpc, parseSqlBatch, parseTransactionRequest, type TransactionRequest } from './requests.js';
import { PreparedStatements, type OutputParameter, type ReturnValue } from './rpc-plan.js';
import { TDS_7_4, isSupportedClientVersion, negotiateTdsVersion } from './tds-version.js';
import { ResponseStream, type ResponseChannel } from './response-stream.js';
import { Transport, type TlsContexts } from './transport.js';
import { CurCmd, DoneStatus, EnvChangeType, Token, writeDone, writeEnvChangeBytes, writeEnvChangeText } from './tokens.js';
import { abortableDelay } from './abortable-delay.js';

/** Before login a client has no business sending more than a LOGIN7's worth of bytes. */
const MAX_MESSAGE_BEFORE_LOGIN = 64 * 1024;
/** SQL Server's batch size limit is 65,536 × the network packet size ("Maximum capacity
 * specifications for SQL Server"); past it the connection is closed. */
export const PACKETS_PER_MESSAGE = 65_536;

export interface ConnectionContext {
  serverName: string;
  handler: SqlHandler;
  version: { major: number; minor: number; build: number };
  tls: TlsContexts;
  delayMs: () => number;
  onClose(): void;
}

type Phase = 'prelogin' | 'login' | 'ready' | 'closed';

interface RunningRequest {
  controller: AbortController;
  response: ResponseStream | undefined;
  attention: boolean;
}

export class TdsConnection {
  private phase: Phase = 'prelogin';
  private encryption: SessionInfo['encryption'] = 'off';
  private readonly transport: Transport;
  private readonly assembler = new MessageAssembler(() => (this.phase === 'ready' ? this.packetSize * PACKETS_PER_MESSAGE : MAX_MESSAGE_BEFORE_LOGIN));
  private readonly counter = new PacketCounter();
  private packetSize = DEFAULT_PACKET_SIZE;
  private spid = 0;
  private serverName: string;
  private session: SessionInfo | undefined;
  private loginDatabase = 'master';
  private readonly queue: IncomingMessage[] = [];
  private busy = false;
  private running: RunningRequest | undefined;
  private transactionCounter = 0n;
  private transactionDescriptor: Buffer | undefined;
  /** What the LOGINACK announced; until then what the instance speaks at most. */
  private tdsVersion = TDS_7_4;
  private readonly prepared = new PreparedStatements();
  /** Aborted when the connection closes (ends a "slow" fault's wait before login). */
  private readonly lifetime = new AbortController();
  /** A protocol error is closing the connection. */
  private broken = false;

  constructor(
    readonly socket: Socket,
    private readonly context: ConnectionContext,
  ) {
    this.serverName = context.serverName;
    this.transport = new Transport(socket, context.tls, (chunk) => this.guard(() => this.tdsIncoming(chunk)));
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) =>
      this.guard(() => {
        if (this.phase !== 'closed' && !this.broken) this.transport.incoming(chunk);
      }),
    );
    socket.on('error', () => socket.destroy());
    socket.on('close', () => this.closed());
  }

  /** The session's spid once logged in; 0 before. */
  get sessionSpid(): number {
    return this.phase === 'ready' ? this.spid : 0;
  }

  /** Drops the connection at once (instance down, listener closing). */
  drop(): void {
    this.socket.destroy();
  }

  private guard(action: () => void): void {
    try {
      action();
    } catch (error) {
      // Bytes already read before the socket is gone are not looked at again.
      if (this.broken) return;
      this.broken = true;
      if (error instanceof OversizedMessage && this.session) this.context.handler.oversizedRequest?.(this.session, error.bytes, error.limit, this.packetSize);
      if (!(error instanceof TdsProtocolError)) console.error('[lab/tds] connection failed:', error);
      this.socket.destroy();
    }
  }

  private tdsIncoming(chunk: Buffer): void {
    for (const message of this.assembler.push(chunk)) this.accept(message);
  }

  private write(packets: Buffer[]): void {
    if (this.phase === 'closed') return;
    for (const packet of packets) this.transport.write(packet);
  }

  private sendMessage(payload: Buffer): void {
    this.write(toPackets(PacketType.tabularResult, payload, { packetSize: this.packetSize, spid: this.spid, counter: this.counter, endOfMessage: true }));
  }

  private accept(message: IncomingMessage): void {
    if (message.type === PacketType.attention) return this.attention();
    this.queue.push(message);
    void this.drain();
  }

  private async drain(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      for (let message = this.queue.shift(); message && this.phase !== 'closed'; message = this.queue.shift()) {
        await this.dispatch(message);
      }
    } catch (error) {
      if (!(error instanceof TdsProtocolError)) console.error('[lab/tds] request failed:', error);
      this.socket.destroy();
    } finally {
      this.busy = false;
    }
  }

  private async dispatch(message: IncomingMessage): Promise<void> {
    if (this.phase === 'prelogin') {
      // PRELOGIN is optional: a client that starts with LOGIN7 (jTDS without TLS) is logged in
      // unencrypted, as SQL Server does when it does not force encryption.
      if (message.type === PacketType.login7 && !this.transport.strict) {
        this.phase = 'login';
        return this.login(message.payload);
      }
      if (message.type !== PacketType.prelogin) throw new TdsProtocolError(`expected PRELOGIN, got 0x${message.type.toString(16)}`);
      return this.prelogin(message.payload);
    }
    if (this.phase === 'login') {
      if (message.type !== PacketType.login7) throw new TdsProtocolError(`expected LOGIN7, got 0x${message.type.toString(16)}`);
      return this.login(message.payload);
    }
    if (message.ignored) return this.sendMessage(doneOnly(this.tdsVersion));
    switch (message.type) {
      case PacketType.sqlBatch:
        return this.request(message, () => ({
          run: { sql: parseSqlBatch(message.payload, this.tdsVersion), params: new Map<string, SqlValue>(), outputs: [] },
          returnValues: [],
          rpc: false,
        }));
      case PacketType.rpc:
        return this.request(message, () => {
          const rpc = parseRpc(message.payload, this.tdsVersion);
          if (!rpc.ok) return { error: rpc.error, rpc: true };
          const plan = this.prepared.plan(rpc.procedure, rpc.parameters);
          return plan.ok ? { ...plan, rpc: true } : { error: plan.error, rpc: true };
        });
      case PacketType.transactionManager:
        return this.transaction(message);
      default:
        throw new TdsProtocolError(`unsupported request type 0x${message.type.toString(16)}`);
    }
  }

  private prelogin(payload: Buffer): void {
    const request = parsePrelogin(payload);
    const strict = this.transport.strict;
    const answer = strict ? Encryption.notSupported : answerEncryption(request.encryption);
    this.sendMessage(buildPreloginReply(this.context.version, answer));
    this.phase = 'login';
    if (strict) this.encryption = 'strict';
    else if (answer === Encryption.on) this.encryption = 'tls';
    else if (answer === Encryption.off) this.encryption = 'login-only';
    if (this.encryption === 'tls' || this.encryption === 'login-only') this.transport.startPreloginTls();
  }

  private async login(payload: Buffer): Promise<void> {
    const login = parseLogin7(payload);
    if (this.encryption === 'login-only') this.transport.dropTls();
    if (!isSupportedClientVersion(login.tdsVersion)) {
      const message = `The client asked for TDS version 0x${login.tdsVersion.toString(16)}; the lab speaks TDS 7.1 to 7.4 (and 8.0 on 2022).`;
      this.sendMessage(loginFailureTokens({ number: 18456, state: 1, class: 14, line: 1, message }, this.serverName, this.tdsVersion));
      this.phase = 'closed';
      this.transport.end();
      return;
    }
    await abortableDelay(this.context.delayMs(), this.lifetime.signal);
    if (this.phase === 'closed') return;
    const result = await this.context.handler.login({
      user: login.userName,
      password: login.password,
      database: login.database,
      hostName: login.hostName,
      appName: login.appName,
      clientLibrary: login.clientLibrary,
      serverName: login.serverName,
    });
    if (!result.ok) {
      this.sendMessage(loginFailureTokens(result.error, this.serverName, this.tdsVersion, result.before));
      this.phase = 'closed';
      this.transport.end();
      return;
    }
    const session: SessionInfo = {
      spid: result.spid,
      login: login.userName,
      hostName: login.hostName,
      appName: login.appName,
      clientLibrary: login.clientLibrary,
      database: result.database,
      encryption: this.encryption,
    };
    // The client left while the handler was logging it in: the handler still has to hear of it.
    if (this.isClosed()) return this.notifyDisconnect(session);
    const packetSize = negotiatePacketSize(login.packetSize);
    this.tdsVersion = negotiateTdsVersion(login.tdsVersion, result.version.major);
    this.spid = result.spid;
    this.serverName = result.serverName || this.serverName;
    this.loginDatabase = result.database;
    this.sendMessage(
      loginSuccessTokens({ database: result.database, packetSize, serverName: this.serverName, version: result.version, tdsVersion: this.tdsVersion }),
    );
    this.packetSize = packetSize;
    session.tdsVersion = this.tdsVersion;
    session.packetSize = packetSize;
    this.session = session;
    this.phase = 'ready';
  }

  private channel(): ResponseChannel {
    return {
      packetSize: this.packetSize,
      spid: this.spid,
      counter: this.counter,
      serverName: this.serverName,
      tdsVersion: this.tdsVersion,
      send: (packets) => this.write(packets),
    };
  }

  private async request(
    message: IncomingMessage,
    parse: () => { run?: PlannedRun; returnValues: ReturnValue[]; rpc: boolean } | { error: SqlMessage; rpc: boolean },
  ): Promise<void> {
    const session = this.session!;
    const parsed = parse();
    const response = new ResponseStream(this.channel(), parsed.rpc, (to) => (session.database = to));
    const running: RunningRequest = { controller: new AbortController(), response, attention: false };
    this.running = running;
    try {
      if (message.status & (PacketStatus.resetConnection | PacketStatus.resetConnectionSkipTran)) this.reset(response);
      await abortableDelay(this.context.delayMs(), running.controller.signal);
      if (running.attention) {
        // Cancelled while the "slow" fault held it: the handler never sees it.
      } else if ('error' in parsed) {
        response.fail(parsed.error);
      } else {
        for (const value of parsed.returnValues) response.returnValue(value);
        const run = parsed.run;
        if (run) {
          const outputs = new Map(run.outputs.map((o) => [o.name.toLowerCase(), o]));
          const batch: BatchRequest = {
            session,
            sql: run.sql,
            params: run.params,
            rpc: parsed.rpc,
            signal: running.controller.signal,
            outputs: run.outputs.map((o) => o.name),
          };
          await this.context.handler.execute(batch, (item) => {
            if (running.attention || this.phase === 'closed') return;
            const output = item.kind === 'output' ? outputs.get(item.name.toLowerCase()) : undefined;
            if (output && item.kind === 'output') response.returnValue({ ...output, value: item.value });
            else response.item(item);
          });
        }
      }
    } catch (error) {
      if (!running.attention && this.phase !== 'closed') response.fail(asSqlMessage(error));
    } finally {
      this.running = undefined;
    }
    if (running.attention) response.endForAttention();
    else response.finish();
  }

  private reset(response: ResponseStream): void {
    const session = this.session!;
    const w = new ByteWriter(64);
    writeEnvChangeBytes(w, EnvChangeType.resetConnectionAck, Buffer.alloc(0), Buffer.alloc(0));
    if (session.database !== this.loginDatabase) {
      writeEnvChangeText(w, EnvChangeType.database, this.loginDatabase, session.database);
      session.database = this.loginDatabase;
    }
    this.prepared.clear();
    this.context.handler.reset?.(session);
    response.prefix(w.toBuffer());
  }

  private async transaction(message: IncomingMessage): Promise<void> {
    const session = this.session!;
    const request = parseTransactionRequest(message.payload, this.tdsVersion);
    const response = new ResponseStream(this.channel(), false);
    const running: RunningRequest = { controller: new AbortController(), response, attention: false };
    this.running = running;
    try {
      await abortableDelay(this.context.delayMs(), running.controller.signal);
      if (!request) {
        response.fail({ number: 8522, state: 1, class: 16, line: 1, message: 'Distributed transaction requests are not supported by the lab.' });
      } else {
        this.runTransactionRequest(session, request, response);
      }
    } catch (error) {
      if (!running.attention) response.fail(asSqlMessage(error));
    } finally {
      this.running = undefined;
    }
    if (running.attention) response.endForAttention();
    else response.finish();
  }

  /** ENVCHANGE 8/9/10 carry the 8-byte descriptor clients send back in later ALL_HEADERS; a
   * commit or rollback with fBeginXact ends one transaction and begins the next. */
  private runTransactionRequest(session: SessionInfo, request: TransactionRequest, response: ResponseStream): void {
    const error = this.context.handler.transaction(session, request.op);
    if (error) return response.fail(error);
    const w = new ByteWriter(32);
    if (request.op === 'commit' || request.op === 'rollback') {
      const type = request.op === 'commit' ? EnvChangeType.commitTransaction : EnvChangeType.rollbackTransaction;
      writeEnvChangeBytes(w, type, Buffer.alloc(0), this.transactionDescriptor ?? Buffer.alloc(8));
      this.transactionDescriptor = undefined;
    }
    if (request.op === 'begin' || request.beginAfter) {
      const begun = request.beginAfter ? this.context.handler.transaction(session, 'begin') : undefined;
      if (begun) return response.fail(begun);
      this.transactionDescriptor = Buffer.alloc(8);
      this.transactionDescriptor.writeBigUInt64LE(++this.transactionCounter);
      writeEnvChangeBytes(w, EnvChangeType.beginTransaction, this.transactionDescriptor, Buffer.alloc(0));
    }
    response.prefix(w.toBuffer());
    response.item({ kind: 'done', command: 'other' });
  }

  private attention(): void {
    const running = this.running;
    if (running) {
      running.attention = true;
      running.controller.abort(new Error('attention'));
      return;
    }
    // Nothing running: the response already ended; only the acknowledgement is due.
    if (this.phase === 'ready') this.sendMessage(doneOnly(this.tdsVersion, DoneStatus.attention));
  }

  private closed(): void {
    const session = this.session;
    this.phase = 'closed';
    this.session = undefined;
    this.lifetime.abort();
    this.running?.controller.abort(new Error('connection closed'));
    this.transport.destroy();
    if (session) this.notifyDisconnect(session);
    this.context.onClose();
  }

  /** A method, not a field read, so TypeScript does not carry narrowing across awaits. */
  private isClosed(): boolean {
    return this.phase === 'closed';
  }

  private notifyDisconnect(session: SessionInfo): void {
    try {
      this.context.handler.disconnect(session);
    } catch (error) {
      console.error('[lab/tds] handler.disconnect failed:', error);
    }
  }
}

type PlannedRun = { sql: string; params: Map<string, SqlValue>; outputs: OutputParameter[] };

function negotiatePacketSize(requested: number): number {
  if (requested === 0) return DEFAULT_PACKET_SIZE;
  return Math.min(MAX_PACKET_SIZE, Math.max(MIN_PACKET_SIZE, requested));
}

function doneOnly(tdsVersion: number, status: number = DoneStatus.final): Buffer {
  const w = new ByteWriter(16);
  writeDone(w, Token.done, status, CurCmd.other, 0, tdsVersion);
  return w.toBuffer();
}

/** An error thrown by the handler: a SqlError-like object keeps its number/class/state;
 * anything else is a lab bug, logged and reported without pretending to be a SQL error. */
function asSqlMessage(error: unknown): SqlMessage {
  const e = error as { number?: unknown; class?: unknown; state?: unknown; message?: unknown; line?: unknown };
  if (error instanceof Error && typeof e.number === 'number' && typeof e.class === 'number') {
    return {
      number: e.number,
      class: e.class,
      state: typeof e.state === 'number' ? e.state : 1,
      message: error.message,
      line: typeof e.line === 'number' ? e.line : 1,
    };
  }
  console.error('[lab/tds] handler failed:', error);
  return { number: 50000, class: 16, state: 1, line: 1, message: `Lab internal error: ${error instanceof Error ? error.message : String(error)}` };
}
