// `monitor:` in mirrorbook.yaml. The four thresholds are SSMS's Database Mirroring Monitor warnings
// (sp_dbmmonitorchangealert alert_id 1–4, which SQL Server ships disabled); the defaults below are
// what a DBA of a synchronous pair would accept, documented in config/README.md. Retention defaults
// to SQL Server's own for the monitor status table: 168 hours (sp_dbmmonitorupdate).
import type { UsageError } from '../errors/operator-error.js';
import { Issues, bool, int, mapping, str, type Raw } from './schema.js';
import { resolveSecret, type Secret } from './secret.js';
import type { MonitorConfig, MonitorThresholds, WebhookConfig } from './types.js';

export const MONITOR_DEFAULTS: Omit<MonitorConfig, 'webhook' | 'exec'> = {
  intervalSeconds: 10,
  connectTimeoutSeconds: 5,
  thresholds: { unsentLogKb: 10_240, unrestoredLogKb: 102_400, oldestUnsentMinutes: 1, commitOverheadMs: 100, catchUpSeconds: 300 },
  clearAfterPolls: 3,
  slowAnswerMs: 2000,
  retentionHours: 168,
  certificateWarningDays: 30,
  inventorySeconds: 300,
  errorLog: false,
};

const KEYS = [
  'intervalSeconds',
  'connectTimeoutSeconds',
  'thresholds',
  'clearAfterPolls',
  'slowAnswerMs',
  'retentionHours',
  'certificateWarningDays',
  'inventorySeconds',
  'webhook',
  'exec',
  'errorLog',
] as const;
const THRESHOLD_KEYS = ['unsentLogKb', 'unrestoredLogKb', 'oldestUnsentMinutes', 'commitOverheadMs', 'catchUpSeconds'] as const;

export function readMonitor(value: unknown, issues: Issues, sources: { baseDir: string; env: NodeJS.ProcessEnv }): MonitorConfig {
  const raw = mapping(value, 'monitor', KEYS, issues) ?? {};
  const d = MONITOR_DEFAULTS;
  const thresholdsRaw = mapping(raw.thresholds, 'monitor.thresholds', THRESHOLD_KEYS, issues) ?? {};
  const thresholds = { ...d.thresholds } as MonitorThresholds;
  for (const key of THRESHOLD_KEYS) thresholds[key] = nonNegative(thresholdsRaw[key], `monitor.thresholds.${key}`, issues) ?? d.thresholds[key];
  const webhook = readWebhook(raw.webhook, issues, sources);
  const exec = str(raw.exec, 'monitor.exec', issues);
  return {
    intervalSeconds: int(raw.intervalSeconds, 'monitor.intervalSeconds', issues, 1, 86_400) ?? d.intervalSeconds,
    connectTimeoutSeconds: int(raw.connectTimeoutSeconds, 'monitor.connectTimeoutSeconds', issues, 1, 120) ?? d.connectTimeoutSeconds,
    thresholds,
    clearAfterPolls: int(raw.clearAfterPolls, 'monitor.clearAfterPolls', issues, 1, 100) ?? d.clearAfterPolls,
    slowAnswerMs: int(raw.slowAnswerMs, 'monitor.slowAnswerMs', issues, 10, 600_000) ?? d.slowAnswerMs,
    retentionHours: int(raw.retentionHours, 'monitor.retentionHours', issues, 1, 24 * 366) ?? d.retentionHours,
    certificateWarningDays: int(raw.certificateWarningDays, 'monitor.certificateWarningDays', issues, 1, 3650) ?? d.certificateWarningDays,
    inventorySeconds: int(raw.inventorySeconds, 'monitor.inventorySeconds', issues, 1, 86_400) ?? d.inventorySeconds,
    ...(webhook ? { webhook } : {}),
    ...(exec ? { exec } : {}),
    errorLog: bool(raw.errorLog, 'monitor.errorLog', issues) ?? d.errorLog,
  };
}

/** Thresholds may be fractions (0.5 minutes of unsent transactions); 0 turns one off. */
function nonNegative(value: unknown, path: string, issues: Issues): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > 100_000_000) {
    issues.add(path, `expected a number 0–100000000 (0 turns the warning off), found ${JSON.stringify(value)}`);
    return undefined;
  }
  return value;
}

/** The URL may carry a token (chat webhooks do), and header values are credentials: both only as
 * env:NAME or file:PATH, never written into the file. */
function readWebhook(value: unknown, issues: Issues, sources: { baseDir: string; env: NodeJS.ProcessEnv }): WebhookConfig | undefined {
  const raw = mapping(value, 'monitor.webhook', ['url', 'headers', 'timeoutSeconds'], issues);
  if (!raw) return undefined;
  const secret = (v: unknown, path: string): Secret | undefined => {
    try {
      return resolveSecret(v, path, sources);
    } catch (error) {
      issues.add(path, (error as UsageError).message.replace(`${path}: `, '') + ' (use env:NAME or file:PATH)');
      return undefined;
    }
  };
  if (raw.url === undefined) issues.add('monitor.webhook.url', 'missing; expected env:NAME or file:PATH holding the http(s) URL');
  const url = raw.url === undefined ? undefined : secret(raw.url, 'monitor.webhook.url');
  if (url && !/^https?:\/\/[^\s]+$/.test(url.reveal())) issues.add('monitor.webhook.url', `${url.source} does not hold an http:// or https:// URL`);
  const headersRaw: Raw = mapping(raw.headers, 'monitor.webhook.headers', Object.keys((raw.headers as Raw | undefined) ?? {}), issues) ?? {};
  const headers: Record<string, Secret> = {};
  for (const [name, v] of Object.entries(headersRaw)) {
    if (!/^[A-Za-z0-9-]+$/.test(name)) issues.add(`monitor.webhook.headers.${name}`, 'is not an HTTP header name');
    const s = secret(v, `monitor.webhook.headers.${name}`);
    if (s) headers[name] = s;
  }
  const timeoutSeconds = int(raw.timeoutSeconds, 'monitor.webhook.timeoutSeconds', issues, 1, 300) ?? 10;
  return url ? { url, headers, timeoutSeconds } : undefined;
}
