// Passwords mirrorbook sets (database master key, endpoint logins) must pass the Windows policy
// SQL Server enforces (15116 too short, 15118 not complex) — refused here, before any connection,
// instead of failing half-way through a setup. The seed's sample password is refused outright.

const KNOWN_DEFAULTS = ['patriot12##'];

/** Returns why the password is weak, or undefined when it is acceptable. */
export function passwordWeakness(password: string): string | undefined {
  if (KNOWN_DEFAULTS.includes(password.toLowerCase())) return 'it is the sample password from the Patriot guide';
  if (password.length < 12) return 'it is shorter than 12 characters';
  const classes = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^A-Za-z0-9]/].filter((re) => re.test(password)).length;
  if (classes < 3) return 'it needs three of: lower case, upper case, digits, symbols';
  return undefined;
}
