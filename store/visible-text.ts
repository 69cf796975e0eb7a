// Text that reaches the audit trail or an export (reasons, argv, server messages, SQL) is shown to
// people later, in terminals and editors. A control character (ESC, CR, BEL…) or an invisible
// format character (bidi overrides, zero-width) could rewrite what they see, so each one is kept
// but written out visibly: ESC becomes \x1b, U+202E becomes \u202e. Tab and line feed stay.
const INVISIBLE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb]/g;

export function visible(text: string): string {
  return text.replace(INVISIBLE, (c) => {
    const code = c.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}
