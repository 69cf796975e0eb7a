// TDS versions (MS-TDS 2.2.6.4 LOGIN7 TDSVersion, 2.2.7.14 LOGINACK): the server answers the login
// with the version it will speak — the client's, unless the client asked for more than the
// instance knows. What differs between versions is kept here, so the codecs ask one place.

export const TDS_7_1 = 0x71000001;
export const TDS_7_2 = 0x72090002;
export const TDS_7_3B = 0x730b0003;
export const TDS_7_4 = 0x74000004;

/** The newest TDS an instance speaks, by SQL Server major version: 2008/2008 R2 (10.x) speak
 * 7.3B, 2012 (11.x) and later 7.4 (MS-TDS 1.7 "Versioning and Capability Negotiation"). */
export function instanceTdsVersion(serverMajor: number): number {
  return serverMajor >= 11 ? TDS_7_4 : TDS_7_3B;
}

/** TDS 8.0 (TLS before PRELOGIN) exists only from SQL Server 2022 (16.x) on. */
export function instanceSpeaksStrict(serverMajor: number): boolean {
  return serverMajor >= 16;
}

/** Below 7.1 the lab does not speak (SQL Server 2000's protocol is its floor). */
export function isSupportedClientVersion(client: number): boolean {
  return versionRank(client) >= versionRank(TDS_7_1);
}

/** The version the LOGINACK announces and the connection speaks from then on. */
export function negotiateTdsVersion(client: number, serverMajor: number): number {
  const server = instanceTdsVersion(serverMajor);
  return versionRank(client) < versionRank(server) ? client : server;
}

/** Orders versions: the high byte is the major step (0x71…0x74), the low byte the revision. */
function versionRank(version: number): number {
  return ((version >>> 24) << 8) | (version & 0xff);
}

/** 7.2 added ALL_HEADERS ahead of SQL_BATCH, RPC and TRANSACTION_MANAGER requests (2.2.5.3). */
export function hasAllHeaders(version: number): boolean {
  return versionRank(version) >= versionRank(TDS_7_2);
}

/** 7.2 widened DONE's row count to 8 bytes and COLMETADATA/RETURNVALUE's UserType to 4; it also
 * brought the (MAX) types, sent as PLP (2.2.7.6, 2.2.7.4, 2.2.5.2.3). */
export function isTds72OrLater(version: number): boolean {
  return versionRank(version) >= versionRank(TDS_7_2);
}

/** 7.3 brought date, time, datetime2 and datetimeoffset; older clients get them as nvarchar. */
export function hasDateTimeTypes(version: number): boolean {
  return versionRank(version) >= versionRank(0x730a0003);
}
