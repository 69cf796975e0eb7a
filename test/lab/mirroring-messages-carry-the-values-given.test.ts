// Error texts carry the values the statement gave, as SQL Server's do: Msg 1476 names the timeout
// that was asked for ("Database mirroring timeout value %d exceeds the maximum value 32767.").

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { SqlError } from '../../lab/errors.js';
import { setTimeout as setPartnerTimeout } from '../../lab/mirroring/partner-options.js';
import { PRI, envAt, mirroredLab, mirroringOf } from './mirroring-fixture.js';

test('SET PARTNER TIMEOUT 40000 is 1476 naming 40000; 32767 is accepted', async () => {
  const { lab, clock } = await mirroredLab();
  const error = (() => {
    try {
      setPartnerTimeout(envAt(lab, PRI, clock), 'Patriot', 40000);
    } catch (e) {
      return e;
    }
  })();
  assert.ok(error instanceof SqlError);
  assert.equal([error.number, error.message], [1476, 'Database mirroring timeout value 40000 exceeds the maximum value 32767.']);
  setPartnerTimeout(envAt(lab, PRI, clock), 'Patriot', 32767);
  assert.is(mirroringOf(lab, PRI)?.timeoutSeconds, 32767);
});

test.run();
