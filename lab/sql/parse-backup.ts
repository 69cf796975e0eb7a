// BACKUP DATABASE|LOG, RESTORE DATABASE|LOG, RESTORE FILELISTONLY|HEADERONLY|VERIFYONLY|LABELONLY.

import type { BackupOptions, BackupStatement, RestoreInfoStatement, RestoreOptions, RestoreStatement } from './ast.js';
import type { Cursor } from './cursor.js';
import type { Token } from './lexer.js';

/** DISK = '…' [, DISK = '…'] — the only device type the lab has. */
function disks(c: Cursor): string[] {
  const paths: string[] = [];
  do {
    c.expectWord('DISK');
    c.equals();
    paths.push(c.string());
  } while (c.acceptOp(','));
  return paths;
}

/** STATS [= n]; 10 when no value is given. */
function stats(c: Cursor): number {
  if (!c.acceptOp('=')) return 10;
  return c.integer();
}

/** Each option once: a repeat is a syntax error near the repeated option. */
function once<T extends object>(c: Cursor, at: Token, target: T, key: keyof T): void {
  if (target[key] !== undefined) throw c.fail(at);
}

export function parseBackup(c: Cursor, line: number): BackupStatement {
  const target = c.expectOneOf('DATABASE', 'LOG');
  const database = c.identifier();
  c.expectWord('TO');
  const statement: BackupStatement = { kind: 'backup', line, target, database, disks: disks(c), options: {} };
  if (c.acceptWord('WITH')) {
    do backupOption(c, statement.options);
    while (c.acceptOp(','));
  }
  return statement;
}

function backupOption(c: Cursor, o: BackupOptions): void {
  const at = c.peek();
  const option = c.expectOneOf(
    'INIT',
    'NOINIT',
    'FORMAT',
    'NOFORMAT',
    'CHECKSUM',
    'NO_CHECKSUM',
    'COMPRESSION',
    'NO_COMPRESSION',
    'COPY_ONLY',
    'STATS',
    'NAME',
    'DESCRIPTION',
    'NORECOVERY',
    'SKIP',
    'NOSKIP',
    'NOUNLOAD',
    'NOREWIND',
  );
  switch (option) {
    case 'INIT':
    case 'NOINIT':
      once(c, at, o, 'init');
      o.init = option === 'INIT';
      return;
    case 'FORMAT':
    case 'NOFORMAT':
      once(c, at, o, 'format');
      o.format = option === 'FORMAT';
      return;
    case 'CHECKSUM':
    case 'NO_CHECKSUM':
      once(c, at, o, 'checksum');
      o.checksum = option === 'CHECKSUM';
      return;
    case 'COMPRESSION':
    case 'NO_COMPRESSION':
      once(c, at, o, 'compression');
      o.compression = option === 'COMPRESSION';
      return;
    case 'COPY_ONLY':
      once(c, at, o, 'copyOnly');
      o.copyOnly = true;
      return;
    case 'STATS':
      once(c, at, o, 'stats');
      o.stats = stats(c);
      return;
    case 'NAME':
    case 'DESCRIPTION': {
      const key = option === 'NAME' ? 'name' : 'description';
      once(c, at, o, key);
      c.equals();
      o[key] = c.string();
      return;
    }
    case 'NORECOVERY':
      once(c, at, o, 'noRecovery');
      o.noRecovery = true;
      return;
    default:
      // Tape and media-expiry options: nothing to do on a disk file in the lab.
      return;
  }
}

export function parseRestore(c: Cursor, line: number): RestoreStatement | RestoreInfoStatement {
  const what = c.expectOneOf('DATABASE', 'LOG', 'FILELISTONLY', 'HEADERONLY', 'VERIFYONLY', 'LABELONLY');
  if (what !== 'DATABASE' && what !== 'LOG') return restoreInfo(c, line, what);
  const database = c.identifier();
  const statement: RestoreStatement = { kind: 'restore', line, target: what, database, disks: [], options: { moves: [] } };
  if (c.acceptWord('FROM')) statement.disks = disks(c);
  if (c.acceptWord('WITH')) {
    do restoreOption(c, statement.options);
    while (c.acceptOp(','));
  }
  return statement;
}

function restoreOption(c: Cursor, o: RestoreOptions): void {
  const at = c.peek();
  const option = c.expectOneOf('RECOVERY', 'NORECOVERY', 'STANDBY', 'REPLACE', 'MOVE', 'FILE', 'STATS', 'CHECKSUM', 'NO_CHECKSUM', 'NOUNLOAD', 'NOREWIND');
  switch (option) {
    case 'RECOVERY':
    case 'NORECOVERY':
      once(c, at, o, 'recovery');
      o.recovery = option;
      return;
    case 'STANDBY':
      once(c, at, o, 'recovery');
      c.equals();
      o.recovery = 'STANDBY';
      o.standbyFile = c.string();
      return;
    case 'REPLACE':
      once(c, at, o, 'replace');
      o.replace = true;
      return;
    case 'MOVE': {
      const logicalName = c.string();
      c.expectWord('TO');
      o.moves.push({ logicalName, physicalName: c.string() });
      return;
    }
    case 'FILE':
      once(c, at, o, 'file');
      c.equals();
      o.file = c.integer();
      return;
    case 'STATS':
      once(c, at, o, 'stats');
      o.stats = stats(c);
      return;
    case 'CHECKSUM':
    case 'NO_CHECKSUM':
      once(c, at, o, 'checksum');
      o.checksum = option === 'CHECKSUM';
      return;
    default:
      // Tape options: nothing to do on a disk file in the lab.
      return;
  }
}

function restoreInfo(c: Cursor, line: number, what: RestoreInfoStatement['what']): RestoreInfoStatement {
  c.expectWord('FROM');
  const statement: RestoreInfoStatement = { kind: 'restoreInfo', line, what, disks: disks(c) };
  if (c.acceptWord('WITH')) {
    do {
      const at = c.peek();
      const option = c.expectOneOf('FILE', 'CHECKSUM', 'NO_CHECKSUM', 'NOUNLOAD', 'NOREWIND');
      if (option === 'FILE') {
        once(c, at, statement, 'file');
        c.equals();
        statement.file = c.integer();
      } else if (option === 'CHECKSUM' || option === 'NO_CHECKSUM') {
        once(c, at, statement, 'checksum');
        statement.checksum = option === 'CHECKSUM';
      }
    } while (c.acceptOp(','));
  }
  return statement;
}
