// Part of the hostile-input table (see hostile-table.ts): the 'identifiers' group against its own lab.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { cases, hostileTable } from './hostile-table.js';

test('the whole table holds at least 100 cases', () => {
  assert.ok(cases.length >= 100, `${cases.length} cases`);
});
hostileTable('identifiers');
test.run();
