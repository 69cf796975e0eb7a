// The 14xx mirroring errors, worded as SQL Server words them. ALTER DATABASE failures that SQL
// Server follows with 5069 carry it as a follow-up here.

import { SqlError } from '../errors.js';

const failed = () => new SqlError(5069, 'ALTER DATABASE statement failed.');
const e = (number: number, message: string) => new SqlError(number, message, { followUps: [failed()] });

export const notConfigured = (db: string) => e(1416, `Database "${db}" is not configured for database mirroring.`);
export const addressUnreachable = (address: string) =>
  e(
    1418,
    `The server network address "${address}" can not be reached or does not exist. Check the network address name and that the ports for the local and remote endpoints are operational.`,
  );
export const alreadyMirrored = (db: string) => e(1405, `The database "${db}" is already enabled for database mirroring.`);
export const alreadyMirroredRemotely = (db: string) =>
  e(
    1460,
    `The database "${db}" is already configured for database mirroring on the remote server. Drop database mirroring on the remote server to establish a new partner.`,
  );
export const notRelated = (db: string) => e(1407, `The remote copy of database "${db}" is not related to the local copy of the database.`);
export const remoteMissing = (db: string) => e(1448, `The remote copy of database "${db}" does not exist. Check the database name and reissue the command.`);
export const ownAddress = () =>
  e(
    1452,
    'The partner server instance name must be distinct from the server instance that manages the database. The ALTER DATABASE SET PARTNER command failed.',
  );
export const notRestoring = (db: string) =>
  e(
    1464,
    `Database "${db}" is not in a recovering state which is required for a mirror database or secondary database. The remote database must be restored using WITH NORECOVERY.`,
  );
export const cannotOpenRemote = (db: string) =>
  e(
    1419,
    `The remote copy of database "${db}" cannot be opened. Check the database name and ensure that it is in the restoring state, and then reissue the command.`,
  );
export const notFullRecovery = (db: string) =>
  e(
    1465,
    `Database "${db}" database is not in full recovery mode on each of the server instances. The full recovery model is required for a database to participate in database mirroring or in an availability group.`,
  );
export const missingLog = (db: string, number: 1478 | 1412) =>
  number === 1478
    ? e(
        1478,
        `The mirror database, "${db}", has insufficient transaction log data to preserve the log backup chain of the principal database. This may happen if a log backup from the principal database has not been taken or has not been restored on the mirror database.`,
      )
    : e(1412, `The remote copy of database "${db}" has not been rolled forward to a point in time that is encompassed in the local copy of the database log.`);
export const bulkLoggedChanges = (db: string) =>
  e(
    1475,
    `Database "${db}" might contain bulk logged changes that have not been backed up. Take a log backup on the principal database or primary database. Then restore this backup either on the mirror database to enable database mirroring or on every secondary database to enable you to join it to the availability group.`,
  );
export const editionWithoutMirroring = () =>
  e(
    1463,
    'Database mirroring is not available in the edition of this SQL Server instance. See books online for more details on feature support in different SQL Server editions.',
  );
export const onlyOnPrincipal = (db: string) =>
  e(1470, `The alter database for this partner config values may only be initiated on the current principal server for database "${db}".`);
export const safetyNotChangeable = () => e(1473, 'This SQL Server edition does not allow changing the safety level. ALTER DATABASE command failed.');
export const timeoutTooLarge = (seconds: number) => e(1476, `Database mirroring timeout value ${seconds} exceeds the maximum value 32767.`);
export const safetyMustBeFull = (db: string) =>
  e(1477, `The database mirroring safety level must be FULL to manually failover database "${db}". Set safety level to FULL and retry.`);
export const notCaughtUp = (db: string) =>
  e(1422, `The mirror server instance is not caught up to the recent changes to database "${db}". Unable to fail over.`);
export const partnersNotConnected = (db: string) =>
  e(
    1447,
    `ALTER DATABASE "${db}" command cannot be executed until both partner server instances are up, running, and connected. Start the partner and reissue the command.`,
  );
export const cannotForce = (db: string) =>
  e(
    1455,
    `The database mirroring service cannot be forced for database "${db}" because the database is not in the correct state to become the principal database.`,
  );
export const nobodyAvailable = (db: string) =>
  e(
    1431,
    `Neither the partner nor the witness server instance for database "${db}" is available. Reissue the command when at least one of the instances becomes available.`,
  );
export const unsafeForce = (db: string) => e(1406, `Unable to force service safely. Remove database mirroring and recover database "${db}" to gain access.`);
export const witnessNeedsAllThree = () =>
  e(
    1426,
    'To issue ALTER DATABASE SET WITNESS, all three server instances must be interconnected, and the mirror database must be caught up. When these conditions are met, reissue the command.',
  );
export const witnessCannotServe = (instance: string) =>
  e(1427, `The server instance "${instance}" could not act as the witness. The ALTER DATABASE SET WITNESS command failed.`);
export const witnessIsPartner = () =>
  e(
    1429,
    'The witness server instance name must be distinct from both of the server instances that manage the database. The ALTER DATABASE SET WITNESS command failed.',
  );
export const noWitness = (db: string) => e(1439, `There is currently no witness associated with database "${db}".`);
export const invalidAddress = (address: string) => e(1449, `ALTER DATABASE command failed due to an invalid server connection string: "${address}".`);
