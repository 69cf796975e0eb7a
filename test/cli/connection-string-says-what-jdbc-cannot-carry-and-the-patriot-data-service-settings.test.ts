// connection-string: JDBC's failoverPartner cannot take a port (Microsoft JDBC Driver docs,
// setFailoverPartner), so a mirror off 1433 is said out loud; the Patriot Data Service settings
// (SQL Server / SQL Failover Server, the vendor guide's Configurator fields) are printed as well.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { ServerConfig } from '../../config/types.js';
import { connectionString, jdbcPortWarning, patriotDataServiceSettings } from '../../cli/commands/connection-string.js';

const server = (name: string, port: number) => ({ server: name.toLowerCase(), port, instance: name }) as ServerConfig;
const principal = server('SQLPRI01', 1433);

test('a mirror on 1433: the JDBC string names it and nothing is lost', () => {
  const mirror = server('SQLMIR01', 1433);
  assert.match(connectionString('jdbc', principal, mirror, 'Patriot'), /failoverPartner=sqlmir01;/);
  assert.is(jdbcPortWarning('jdbc', mirror), undefined);
});

test('a mirror on another port: the JDBC string cannot carry it, and the warning says what to do', () => {
  const mirror = server('SQLMIR01', 50124);
  const warning = jdbcPortWarning('jdbc', mirror);
  assert.match(warning ?? '', /cannot carry a port[^]*listens on 50124[^]*listen on 1433[^]*named instance with SQL Server Browser/);
  assert.match(connectionString('jdbc', principal, mirror, 'Patriot'), /failoverPartner=sqlmir01;/);
  assert.is(jdbcPortWarning('ado', mirror), undefined, 'ADO.NET and ODBC take host,port');
  assert.match(connectionString('ado', principal, mirror, 'Patriot'), /Failover Partner=sqlmir01,50124;/);
});

test('a named mirror off 1433: failoverPartner names host\\instance, which SQL Server Browser resolves, and the warning says Browser must run', () => {
  const mirror = { ...server('SQLMIR01', 50124), instance: 'SQLMIR01\\PATRIOT' } as ServerConfig;
  assert.match(connectionString('jdbc', principal, mirror, 'Patriot'), /failoverPartner=sqlmir01\\PATRIOT;/);
  assert.match(jdbcPortWarning('jdbc', mirror) ?? '', /sqlmir01\\PATRIOT, whose port \(50124\) SQL Server Browser answers[^]*UDP 1434/);
  const onDefault = { ...mirror, port: 1433 } as ServerConfig;
  assert.match(connectionString('jdbc', principal, onDefault, 'Patriot'), /failoverPartner=sqlmir01;/, 'a named instance on 1433 is reached by host');
});

test('the Patriot Data Service settings are host,port of each partner', () => {
  assert.equal(patriotDataServiceSettings(principal, server('SQLMIR01', 50124)), { sqlServer: 'sqlpri01,1433', sqlFailoverServer: 'sqlmir01,50124' });
});

test.run();
