// What `typeswan start` writes to stderr: debug messages of the categories turned on and the
// daemon's own messages, stamped, filtered by severity and laid out per observe/logLine.ts.
// The configuration's `service timestamps` and `logging buffered` apply (and follow a reload);
// `--log-level` overrides the configuration's level.

import { LOG_FORMATS, formatLogEntry, type LogFormat } from '../observe/logLine.js';
import type { DebugCategory } from '../observe/events.js';
import { DEFAULT_LOGGING, LOG_LEVELS, type LoggingSettings } from '../policy/model.js';
import { matchKeyword } from '../config/cursor.js';
import { UsageError } from './errors.js';

/** The daemon's own messages' severities (the IOS names). */
export const Severity = { errors: 3, warnings: 4, notifications: 5, informational: 6, debugging: 7 } as const;

export interface DaemonLogOptions {
  readonly write: (text: string) => void;
  readonly format: LogFormat;
  /** `--log-level`: overrides `logging buffered LEVEL`. */
  readonly level?: number;
  readonly debug: readonly DebugCategory[];
  readonly uptime: () => number;
  readonly date?: () => Date;
}

export class DaemonLog {
  private settings: LoggingSettings = DEFAULT_LOGGING;
  private categories: readonly DebugCategory[];

  constructor(private readonly options: DaemonLogOptions) {
    this.categories = options.debug;
  }

  /** The configuration's logging statements (at start and after each reload). */
  configure(settings: LoggingSettings | undefined): void {
    this.settings = settings ?? DEFAULT_LOGGING;
  }

  get debugCategories(): readonly DebugCategory[] {
    return this.categories;
  }

  set debugCategories(categories: readonly DebugCategory[]) {
    this.categories = [...categories];
  }

  private get level(): number {
    return this.options.level ?? this.settings.level ?? Severity.debugging;
  }

  debug(category: DebugCategory, text: string, router?: string): void {
    if (!this.categories.includes(category) || this.level < Severity.debugging) return;
    this.write({
      severity: Severity.debugging,
      kind: 'debug',
      text,
      category,
      ...(router ? { router } : {}),
    });
  }

  /** A daemon message ("typeswan: ..." in the text layouts). */
  log(severity: number, text: string): void {
    if (severity > this.level) return;
    this.write({ severity, kind: 'log', text: `typeswan: ${text}` });
  }

  private write(entry: {
    severity: number;
    kind: 'debug' | 'log';
    text: string;
    category?: string;
    router?: string;
  }): void {
    const date = this.options.date?.() ?? new Date();
    this.options.write(
      formatLogEntry(
        { ...entry, uptime: this.options.uptime(), date },
        this.options.format,
        this.settings.timestamps,
      ),
    );
  }
}

export function parseLogFormat(text: string): LogFormat {
  const format = LOG_FORMATS.find((f) => f === text);
  if (format === undefined) throw new UsageError(`--log-format ${text}: expected ${LOG_FORMATS.join(', ')}`);
  return format;
}

/** `--log-level`: an IOS level name (abbreviations allowed) or 0..7. */
export function parseLogLevel(text: string): number {
  if (/^[0-7]$/.test(text)) return Number(text);
  const level = text === '' ? undefined : matchKeyword(text, LOG_LEVELS);
  if (level === undefined)
    throw new UsageError(`--log-level ${text}: expected 0..7 or one of ${LOG_LEVELS.join(', ')}`);
  return LOG_LEVELS.indexOf(level);
}
