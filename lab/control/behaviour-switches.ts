// `lab behaviour`: the per-instance switches for what the references leave open (lab/README.md).

import type { BehaviourSwitches, InstanceState } from '../model.js';
import { ControlError } from './control-protocol.js';

const ALLOWED: { [K in keyof BehaviourSwitches]-?: (value: string) => BehaviourSwitches[K] | undefined } = {
  missingLogError: (v) => (v === '1478' ? 1478 : v === '1412' ? 1412 : undefined),
  asyncReportsSynchronized: (v) => (v === 'true' ? true : v === 'false' ? false : undefined),
  certificateWarningClass: (v) => (v === '10' ? 10 : v === '16' ? 16 : undefined),
  backupMsPerGB: (v) => (/^\d+$/.test(v) && Number(v) <= 3_600_000 ? Number(v) : undefined),
  synchronizedAfterMs: (v) => (/^\d+$/.test(v) && Number(v) <= 3_600_000 ? Number(v) : undefined),
};

const EXPECTED: Record<keyof BehaviourSwitches, string> = {
  missingLogError: '1478 or 1412',
  asyncReportsSynchronized: 'true or false',
  certificateWarningClass: '10 or 16',
  backupMsPerGB: 'milliseconds per GB, 0–3600000',
  synchronizedAfterMs: 'milliseconds, 0–3600000',
};

export function isBehaviourSwitch(name: string): name is keyof BehaviourSwitches {
  return Object.hasOwn(ALLOWED, name);
}

export function setBehaviour(instance: InstanceState, name: string, value: string): void {
  if (!isBehaviourSwitch(name)) throw new ControlError(`no behaviour switch '${name}'`, `switches: ${Object.keys(ALLOWED).join(', ')}`, true);
  const parsed = ALLOWED[name](value);
  if (parsed === undefined) throw new ControlError(`${name} cannot be '${value}'`, `expected ${EXPECTED[name]}`, true);
  (instance.behaviour as unknown as Record<string, unknown>)[name] = parsed;
}
