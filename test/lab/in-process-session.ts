// What the in-process lab tests share: a session that must log in (a refused login fails the test
// with the server's message), the error numbers of a batch, and the first value it returned.
import type { InProcessInstance, InProcessSession } from '../../lab/server/in-process.js';

export async function signIn(instance: InProcessInstance, login: string, password: string, database?: string): Promise<InProcessSession> {
  const s = await instance.login(login, password, database);
  if (!('query' in s)) throw new Error(s.message);
  return s;
}

export const errorNumbers = (result: { errors: { number: number }[] }): number[] => result.errors.map((e) => e.number);

export const firstValue = async (s: InProcessSession, sql: string): Promise<unknown> => (await s.query(sql)).resultSets[0]?.rows[0]?.[0];
