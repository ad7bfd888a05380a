// `service timestamps` and `logging buffered` (the chapter's Examples 13-7, 13-9 and 13-16 carry
// them): read into the model, through the JSON model and back; other `service` and `logging`
// commands stay ignored lines.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfigJson, parseConfig } from '../../src/config/index.js';

test('the chapter lines: service timestamps debug uptime, datetime msec, logging buffered 4096 debugging', () => {
  const uptime = parseConfig(
    'hostname r\nservice timestamps debug uptime\nservice timestamps log uptime\nlogging buffered 4096 debugging\n',
    'r.cfg',
  );
  assert.deepEqual(uptime.logging, {
    timestamps: { debug: { kind: 'uptime' }, log: { kind: 'uptime' } },
    level: 7,
  });
  const datetime = parseConfig('hostname r\nservice timestamps debug datetime msec\n', 'r.cfg');
  assert.deepEqual(datetime.logging?.timestamps.debug, {
    kind: 'datetime',
    msec: true,
    localtime: false,
    year: false,
    showTimezone: false,
  });
  assert.deepEqual(datetime.logging?.timestamps.log, { kind: 'uptime' }, 'the log stamp keeps its default');
});

test('levels by name, number and abbreviation; no service timestamps; others ignored', () => {
  assert.equal(parseConfig('logging buffered warnings\n', 'r.cfg').logging?.level, 4);
  assert.equal(parseConfig('logging buffered 8192 3\n', 'r.cfg').logging?.level, 3);
  assert.equal(parseConfig('logg buff inform\n', 'r.cfg').logging?.level, 6);
  assert.deepEqual(parseConfig('no service timestamps\n', 'r.cfg').logging?.timestamps, {
    debug: { kind: 'none' },
    log: { kind: 'none' },
  });
  assert.deepEqual(parseConfig('no service timestamps log\n', 'r.cfg').logging?.timestamps, {
    debug: { kind: 'uptime' },
    log: { kind: 'none' },
  });
  const other = parseConfig('service password-encryption\nlogging console informational\n', 'r.cfg');
  assert.equal(other.logging, undefined);
  assert.equal(other.ignored.length, 2);
  assert.throws(() => parseConfig('logging buffered loud\n', 'r.cfg'), /r\.cfg:1/);
});

test('the JSON model carries logging and reads it back', () => {
  const model = parseConfig(
    'hostname r\nservice timestamps debug datetime msec localtime year show-timezone\nlogging buffered 5\n',
    'r.cfg',
  );
  const back = loadConfigJson(JSON.stringify(model), 'r.json');
  assert.deepEqual(back.logging, model.logging);
  assert.throws(
    () =>
      loadConfigJson(
        JSON.stringify({
          ...model,
          logging: { timestamps: { debug: { kind: 'sometimes' }, log: { kind: 'uptime' } } },
        }),
        'r.json',
      ),
    /timestamp style/,
  );
});
