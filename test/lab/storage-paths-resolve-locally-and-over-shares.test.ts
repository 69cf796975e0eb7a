import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { FileSystemError, fileExists, listDirectory, makeDirectory, readFile, resolvePath, writeFile } from '../../lab/storage/files.js';
import { twoHostLab } from './storage-fixture.js';

const cert = { kind: 'certificate' as const, derBase64: 'AA==' };

test('local paths are case-insensitive and keep their spelling', () => {
  const lab = twoHostLab();
  writeFile(lab, 'SQLPRI01', 'C:\\Temp\\Pri.cer', cert);
  assert.ok(fileExists(lab, 'SQLPRI01', 'c:\\TEMP\\pri.CER'));
  assert.is(readFile(lab, 'sqlpri01', 'C:/temp/pri.cer').path, 'C:\\Temp\\Pri.cer');
  assert.not.ok(fileExists(lab, 'SQLMIR01', 'C:\\Temp\\Pri.cer'));
});

test('a UNC path reaches the other host through its share, FQDN included', () => {
  const lab = twoHostLab();
  writeFile(lab, 'SQLPRI01', '\\\\SQLMIR01.lab.local\\backup\\x.cer', cert);
  const r = resolvePath(lab, 'SQLPRI01', '\\\\sqlmir01\\Backup\\x.cer');
  assert.is(r.host.name, 'SQLMIR01');
  assert.is(r.localPath, 'C:\\Backup\\x.cer');
  assert.ok(fileExists(lab, 'SQLMIR01', 'C:\\BACKUP\\X.CER'));
  assert.equal(
    listDirectory(lab, 'SQLMIR01', 'C:\\Backup').files.map((f) => f.path),
    ['C:\\Backup\\x.cer'],
  );
});

function osError(fn: () => unknown): number {
  try {
    fn();
  } catch (e) {
    if (e instanceof FileSystemError) return e.osError;
    throw e;
  }
  return 0;
}

test('errors an OS would give', () => {
  const lab = twoHostLab();
  assert.is(
    osError(() => readFile(lab, 'SQLPRI01', 'C:\\Temp\\none.cer')),
    2,
  );
  assert.is(
    osError(() => writeFile(lab, 'SQLPRI01', 'C:\\NoSuchDir\\a.cer', cert)),
    3,
  );
  assert.is(
    osError(() => readFile(lab, 'SQLPRI01', '\\\\NOHOST\\backup\\a.bak')),
    53,
  );
  assert.is(
    osError(() => readFile(lab, 'SQLPRI01', '\\\\SQLMIR01\\noshare\\a.bak')),
    67,
  );
  lab.faults.SQLMIR01!.down = true;
  assert.is(
    osError(() => writeFile(lab, 'SQLPRI01', '\\\\SQLMIR01\\backup\\a.cer', cert)),
    53,
  );
  lab.faults.SQLMIR01!.down = false;
  lab.faults.SQLMIR01!.isolated = true;
  assert.is(
    osError(() => writeFile(lab, 'SQLPRI01', '\\\\SQLMIR01\\backup\\a.cer', cert)),
    53,
  );
  assert.is(
    osError(() => writeFile(lab, 'SQLMIR01', '\\\\SQLMIR01\\backup\\a.cer', cert)),
    0,
    'own share stays reachable',
  );
});

test('makeDirectory creates every level', () => {
  const lab = twoHostLab();
  makeDirectory(lab, 'SQLPRI01', 'D:\\Backups\\Patriot');
  writeFile(lab, 'SQLPRI01', 'd:\\backups\\patriot\\f.cer', cert);
  assert.equal(listDirectory(lab, 'SQLPRI01', 'D:\\Backups').directories, ['PATRIOT']);
});

test.run();
