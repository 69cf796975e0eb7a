// Windows-1252, the code page of SQL_Latin1_General_CP1_CI_AS: varchar values travel in it.
// Differs from Latin-1 only in 0x80–0x9F; characters it cannot represent become '?', as SQL Server does.

const HIGH = [
  0x20ac, -1, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021, 0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, -1, 0x017d, -1, -1, 0x2018, 0x2019, 0x201c, 0x201d,
  0x2022, 0x2013, 0x2014, 0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, -1, 0x017e, 0x0178,
];

const ENCODE = new Map<number, number>();
HIGH.forEach((code, i) => {
  if (code !== -1) ENCODE.set(code, 0x80 + i);
});

export function encodeCp1252(text: string): Buffer {
  const out = Buffer.alloc(text.length);
  let n = 0;
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    if (code < 0x80 || (code >= 0xa0 && code <= 0xff)) out[n++] = code;
    else out[n++] = ENCODE.get(code) ?? 0x3f;
  }
  return out.subarray(0, n);
}

export function decodeCp1252(bytes: Uint8Array): string {
  let text = '';
  for (const b of bytes) {
    const mapped = b >= 0x80 && b <= 0x9f ? HIGH[b - 0x80]! : b;
    text += String.fromCharCode(mapped === -1 ? b : mapped);
  }
  return text;
}
