// The one collation the lab speaks: SQL_Latin1_General_CP1_CI_AS (LCID 0x0409, ignore case/kana/
// width, SortId 52 → code page 1252), as 5 bytes for TYPE_INFO and ENVCHANGE 7.

export const SQL_LATIN1_GENERAL_CP1_CI_AS = Buffer.from([0x09, 0x04, 0xd0, 0x00, 0x34]);
