// Turns a handler's ResponseItems into one tabular-result message, streamed as items arrive: full
// packets go out at once, and a partial packet (without EOM) follows on the next turn of the event
// loop so progress messages reach the client while a long statement still runs. The last DONE is
// held back until it is known whether more follows, so MORE/FINAL bits are always right.

import type { ResponseItem, SqlMessage } from './handler.js';
import { forClient } from './downlevel.js';
import type { ReturnValue } from './rpc-plan.js';
import { ByteWriter } from './byte-writer.js';
import { HEADER_LENGTH, PacketType, toPackets, type PacketCounter } from './packet.js';
import {
  CurCmd,
  DoneStatus,
  EnvChangeType,
  Token,
  writeColMetadata,
  writeDone,
  writeEnvChangeText,
  writeMessage,
  writeReturnStatus,
  writeReturnValue,
  writeRow,
} from './tokens.js';

export interface ResponseChannel {
  packetSize: number;
  spid: number;
  counter: PacketCounter;
  serverName: string;
  /** The TDS version the login negotiated: how DONE, COLMETADATA and types are written. */
  tdsVersion: number;
  /** Writes packets to the client (no-op once the connection is gone). */
  send(packets: Buffer[]): void;
}

interface HeldDone {
  status: number;
  curCmd: number;
  rowCount: number;
}

export class ResponseStream {
  private buffer = new ByteWriter(1024);
  private held: HeldDone | undefined;
  private errorSinceDone = false;
  private anyError = false;
  private ended = false;
  private flushScheduled = false;
  private readonly returnValues: ReturnValue[] = [];

  constructor(
    private readonly channel: ResponseChannel,
    private readonly rpc: boolean,
    private readonly onDatabase: (to: string) => void = () => {},
  ) {}

  /** Encodes one item. Throws (a handler bug) without corrupting the stream if a value cannot be encoded. */
  item(item: ResponseItem): void {
    if (this.ended) return;
    const w = new ByteWriter();
    switch (item.kind) {
      case 'rows': {
        const { columns, rows } = forClient(item.columns, item.rows, this.channel.tdsVersion);
        writeColMetadata(w, columns, this.channel.tdsVersion);
        for (const row of rows) writeRow(w, columns, row);
        break;
      }
      case 'output':
        // Handler outputs are matched to their parameters by the caller (returnValue()).
        return;
      case 'message':
        writeMessage(w, item.message, this.channel.serverName);
        if (item.message.class > 10) this.errorSinceDone = this.anyError = true;
        break;
      case 'database':
        writeEnvChangeText(w, EnvChangeType.database, item.to, item.from);
        this.onDatabase(item.to);
        break;
      case 'done':
        this.releaseHeld(true);
        this.held = {
          status: (item.rowCount !== undefined ? DoneStatus.count : 0) | (item.error || this.errorSinceDone ? DoneStatus.error : 0),
          curCmd: CurCmd[item.command],
          rowCount: item.rowCount ?? 0,
        };
        if (item.error) this.anyError = true;
        this.errorSinceDone = false;
        return;
    }
    this.releaseHeld(true);
    this.append(w.toBuffer());
  }

  /** Adds raw tokens ahead of the handler's items (e.g. the reset-connection acknowledgement). */
  prefix(tokens: Buffer): void {
    this.append(tokens);
  }

  /** An OUTPUT parameter's value, sent after RETURNSTATUS (2.2.7.18). */
  returnValue(value: ReturnValue): void {
    this.returnValues.push(value);
  }

  /** The request failed outside the handler's own messages: report it as SQL Server would. */
  fail(message: SqlMessage): void {
    this.item({ kind: 'message', message });
    this.item({ kind: 'done', command: 'other', error: true });
  }

  /** Normal end: the held DONE becomes final; RPC responses close with RETURNSTATUS + DONEPROC. */
  finish(): void {
    if (this.ended) return;
    if (this.rpc) {
      this.releaseHeld(true);
      const w = new ByteWriter(32);
      writeReturnStatus(w, 0);
      for (const r of this.returnValues.sort((a, b) => a.ordinal - b.ordinal)) {
        const { columns, rows } = forClient([r.column], [[r.value]], this.channel.tdsVersion);
        writeReturnValue(w, r.ordinal, r.name, columns[0]!, rows[0]![0] ?? null, this.channel.tdsVersion);
      }
      writeDone(w, Token.doneProc, this.anyError || this.errorSinceDone ? DoneStatus.error : DoneStatus.final, CurCmd.execute, 0, this.channel.tdsVersion);
      this.append(w.toBuffer());
    } else if (this.held) {
      this.releaseHeld(false);
    } else {
      const w = new ByteWriter(16);
      writeDone(w, Token.done, this.errorSinceDone ? DoneStatus.error : DoneStatus.final, CurCmd.other, 0, this.channel.tdsVersion);
      this.append(w.toBuffer());
    }
    this.end();
  }

  /** ATTENTION: whatever was produced stays (tokens are never cut), the message ends with a plain
   * DONE, and the acknowledgement follows as a message of its own. */
  endForAttention(): void {
    if (this.ended) return;
    this.held = undefined;
    const w = new ByteWriter(16);
    writeDone(w, Token.done, DoneStatus.final, CurCmd.other, 0, this.channel.tdsVersion);
    this.append(w.toBuffer());
    this.end();
    const ack = new ByteWriter(16);
    writeDone(ack, Token.done, DoneStatus.attention, CurCmd.other, 0, this.channel.tdsVersion);
    this.channel.send(toPackets(PacketType.tabularResult, ack.toBuffer(), { ...this.channel, endOfMessage: true }));
  }

  private releaseHeld(more: boolean): void {
    if (!this.held) return;
    const { status, curCmd, rowCount } = this.held;
    this.held = undefined;
    const w = new ByteWriter(16);
    writeDone(w, this.rpc ? Token.doneInProc : Token.done, status | (more ? DoneStatus.more : 0), curCmd, rowCount, this.channel.tdsVersion);
    this.append(w.toBuffer());
  }

  private append(tokens: Buffer): void {
    this.buffer.bytes(tokens);
    const room = this.channel.packetSize - HEADER_LENGTH;
    if (this.buffer.size >= room) {
      const data = this.buffer.toBuffer();
      const whole = data.length - (data.length % room);
      this.channel.send(toPackets(PacketType.tabularResult, data.subarray(0, whole), { ...this.channel, endOfMessage: false }));
      this.buffer = new ByteWriter(1024).bytes(data.subarray(whole));
    }
    if (!this.flushScheduled && this.buffer.size > 0) {
      this.flushScheduled = true;
      setImmediate(() => this.flushPartial());
    }
  }

  private flushPartial(): void {
    this.flushScheduled = false;
    if (this.ended || this.buffer.size === 0) return;
    this.channel.send(toPackets(PacketType.tabularResult, this.buffer.toBuffer(), { ...this.channel, endOfMessage: false }));
    this.buffer = new ByteWriter(1024);
  }

  private end(): void {
    this.ended = true;
    this.channel.send(toPackets(PacketType.tabularResult, this.buffer.toBuffer(), { ...this.channel, endOfMessage: true }));
    this.buffer = new ByteWriter(16);
  }
}
