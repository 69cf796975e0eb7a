import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { describeDefinitionChanges, hashDefinition, summarizeDefinition } from '../../machines/definition-hash.js';
import { ledgerProcedure } from '../fixtures/runbooks/ledger.js';

const original = summarizeDefinition(ledgerProcedure(''));

test('the same definition hashes the same; any variant hashes differently', () => {
  assert.is(hashDefinition(summarizeDefinition(ledgerProcedure(''))), hashDefinition(original));
  const hashes = new Set(['', 'renamed', 'reordered', 'sql', 'added'].map((v) => hashDefinition(summarizeDefinition(ledgerProcedure(v)))));
  assert.is(hashes.size, 5);
});

test('the hash covers flags, retry and timeout, and the masked SQL only', () => {
  const definition = ledgerProcedure('');
  const base = hashDefinition(summarizeDefinition(definition));
  const step = definition.steps[3]!;
  assert.is.not(hashDefinition(summarizeDefinition({ ...definition, steps: definition.steps.map((s) => (s === step ? { ...s, timeoutMs: 5 } : s)) })), base);
  assert.is.not(
    hashDefinition(
      summarizeDefinition({ ...definition, steps: definition.steps.map((s) => (s === step ? { ...s, retry: { attempts: 9, backoffMs: 1 } } : s)) }),
    ),
    base,
  );
  assert.is.not(
    hashDefinition(
      summarizeDefinition({
        ...definition,
        steps: definition.steps.map((s) => (s === step ? { ...s, destructive: { confirmText: 'x', consequences: 'y' } } : s)),
      }),
    ),
    base,
  );
  assert.not.ok(JSON.stringify(summarizeDefinition(definition)).includes('Sup3r-Secret!'), 'the summary holds masked SQL');
});

test('changes are described the way an operator reads them', () => {
  assert.equal(describeDefinitionChanges(original, summarizeDefinition(ledgerProcedure('renamed'))), [
    "step renamed: 'create-endpoint' is now 'create-endpoint-v2' (\"Create the mirroring endpoint\")",
  ]);
  assert.equal(describeDefinitionChanges(original, summarizeDefinition(ledgerProcedure('added'))), ['step added: \'set-partner\' ("Set the partner")']);
  assert.equal(describeDefinitionChanges(summarizeDefinition(ledgerProcedure('added')), original), ['step removed: \'set-partner\' ("Set the partner")']);
  assert.match(describeDefinitionChanges(original, summarizeDefinition(ledgerProcedure('reordered'))).join('\n'), /steps reordered/);
  assert.match(
    describeDefinitionChanges(original, summarizeDefinition(ledgerProcedure('sql'))).join('\n'),
    /planned T-SQL changed \(first difference: mirror: APPLY create-endpoint STATE = STARTED/,
  );
});

test.run();
