// The daemon's log lines: IOS stamps (uptime "00:04:10", datetime msec "Mar  1 00:27:23.279"
// as Example 13-16's `*Mar 1 00:27:23.279:`, IOS's clock-not-set asterisk aside), severities
// and the text, journal and JSON layouts; the daemon log's level filter and debug categories.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatLogEntry, iosTimestamp } from '../../src/observe/logLine.js';
import { DaemonLog, parseLogLevel, Severity } from '../../src/cli/daemonLog.js';
import type { TimestampStyle } from '../../src/policy/model.js';

const MAR_1 = new Date(Date.UTC(2002, 2, 1, 0, 27, 23, 279));
const msec: TimestampStyle = {
  kind: 'datetime',
  msec: true,
  localtime: false,
  year: false,
  showTimezone: false,
};
const UPTIME = { debug: { kind: 'uptime' }, log: { kind: 'uptime' } } as const;

test('IOS timestamps', () => {
  assert.equal(iosTimestamp({ kind: 'uptime' }, 250, MAR_1), '00:04:10');
  assert.equal(iosTimestamp({ kind: 'uptime' }, 93784, MAR_1), '1d02h');
  assert.equal(iosTimestamp(msec, 0, MAR_1), 'Mar  1 00:27:23.279');
  assert.equal(
    iosTimestamp({ ...msec, msec: false, year: true, showTimezone: true }, 0, MAR_1),
    'Mar  1 2002 00:27:23 UTC',
  );
  assert.equal(iosTimestamp({ kind: 'none' }, 250, MAR_1), '');
});

const deleteSa =
  'IPSEC(delete_sa): deleting SA,\n  (sa) sa_dest= 172.16.172.20, sa_prot= 50,\n    sa_spi= 0x1(1)';

test('text keeps the IOS continuation lines; journal is one line with a <7> priority; json one object', () => {
  const entry = {
    severity: 7,
    kind: 'debug' as const,
    text: deleteSa,
    uptime: 250,
    date: MAR_1,
    category: 'ipsec',
  };
  assert.equal(formatLogEntry(entry, 'text', UPTIME), `00:04:10: ${deleteSa}\n`);
  assert.equal(
    formatLogEntry(entry, 'journal', { debug: msec, log: msec }),
    '<7>Mar  1 00:27:23.279: IPSEC(delete_sa): deleting SA, (sa) sa_dest= 172.16.172.20, sa_prot= 50, sa_spi= 0x1(1)\n',
  );
  const json = formatLogEntry(entry, 'json', UPTIME);
  assert.equal(json.split('\n').length, 2, 'one line');
  assert.deepEqual(JSON.parse(json), {
    time: '2002-03-01T00:27:23.279Z',
    uptime: 250,
    timestamp: '00:04:10',
    level: 'debugging',
    severity: 7,
    category: 'ipsec',
    message: deleteSa,
  });
});

test('the daemon log: level filter, debug categories, the configuration and --log-level', () => {
  const out: string[] = [];
  const log = new DaemonLog({
    write: (t) => out.push(t),
    format: 'text',
    debug: ['isakmp'],
    uptime: () => 5,
    date: () => MAR_1,
  });
  log.debug('isakmp', 'ISAKMP (0:1): beginning Main Mode exchange');
  log.debug('ipsec', 'not on');
  log.log(Severity.warnings, 'warning: r1.cfg:7: inert');
  assert.deepEqual(out, [
    '00:00:05: ISAKMP (0:1): beginning Main Mode exchange\n',
    '00:00:05: typeswan: warning: r1.cfg:7: inert\n',
  ]);
  out.length = 0;
  log.configure({ timestamps: { debug: msec, log: { kind: 'none' } }, level: Severity.warnings });
  log.debug('isakmp', 'filtered by logging buffered warnings');
  log.log(Severity.notifications, 'filtered too');
  log.log(Severity.errors, 'route failed');
  assert.deepEqual(out, ['typeswan: route failed\n']);
  const loud = new DaemonLog({
    write: (t) => out.push(t),
    format: 'text',
    level: 7,
    debug: ['ipsec'],
    uptime: () => 5,
    date: () => MAR_1,
  });
  loud.configure({ timestamps: { debug: msec, log: msec }, level: 3 });
  loud.debug('ipsec', 'x');
  assert.equal(out.at(-1), 'Mar  1 00:27:23.279: x\n', '--log-level overrides the configuration');
  assert.deepEqual([parseLogLevel('debug'), parseLogLevel('4'), parseLogLevel('err')], [7, 4, 3]);
  assert.throws(() => parseLogLevel('loud'), /--log-level loud/);
});
