// `typeswan start --metrics` and `--http` against a running tunnel (typeswan <-> typeswan in
// namespaces): promtool checks the exposition, a real Prometheus scrapes it and answers a
// query, and headless Chromium renders the status page and follows its live updates. r2 is
// first offered a transform set it refuses, so its page and metrics also carry a failure.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ADDR, announceSkip, interopSkipReason, Lab, run, Typeswan, until, type Role } from './harness.js';
import { CHROMIUM, Chromium, chromiumSkipReason } from './chromium.js';
import { labRouterConfig, triggerFromHa } from './scenario.js';

const PROMETHEUS = '/usr/bin/prometheus';
const PROMTOOL = '/usr/bin/promtool';
const skip =
  interopSkipReason({ charon: false, typeswan: true }) ??
  (existsSync(PROMETHEUS) && existsSync(PROMTOOL)
    ? undefined
    : 'prometheus/promtool are not installed (Debian prometheus; .ci/run installs it)') ??
  chromiumSkipReason();
announceSkip('metrics and status page', skip);

const PSK = 'ob-psk-Q27v';
const METRICS = '127.0.0.1:9464';

function config(lab: Lab, router: 'r1' | 'r2', transforms: string): string {
  return labRouterConfig(lab, router, transforms, PSK);
}

/** GET from inside a namespace (the listeners are on its loopback). */
async function get(lab: Lab, role: Role, url: string): Promise<string> {
  const script =
    'fetch(process.argv[1]).then(async (r) => { process.stdout.write(await r.text()); if (!r.ok) process.exitCode = 1; },' +
    ' (e) => { console.error(String(e)); process.exitCode = 2; })';
  const result = await lab.exec(role, [process.execPath, '-e', script, url], { timeoutMs: 15_000 });
  assert.equal(result.code, 0, `GET ${url} in ${role}: ${result.stderr}`);
  return result.stdout;
}

/** One sample's value from Prometheus text, matched by its full label set text. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe(
  'interop: Prometheus metrics and the status page of a running gateway',
  { skip, timeout: 240_000 },
  () => {
    let lab: Lab;
    let r1: Typeswan | undefined;
    let r2: Typeswan;

    before(async () => {
      lab = await Lab.create({ tag: 'tswb-ob' });
      r2 = await Typeswan.start(lab, 'r2', config(lab, 'r2', 'esp-aes esp-sha-hmac'), 'r2', [
        '--metrics',
        METRICS,
        '--http',
        METRICS,
      ]);
      // First an offer r2 refuses (3DES where it wants AES): the failure its page must show.
      r1 = await Typeswan.start(lab, 'r1', config(lab, 'r1', 'esp-3des esp-sha-hmac'), 'r1-refused');
      await lab.ping('ha', ADDR.hb, 1, 0.2);
      const refused = await until(
        async () => /no_proposal_chosen/.test(await get(lab, 'r2', `http://${METRICS}/api/status`)),
        20_000,
      );
      assert.ok(refused, `r2 recorded no refusal:\n${r2.log().slice(-3000)}`);
      assert.equal(await r1.stop(), 0);
      r1 = await Typeswan.start(lab, 'r1', config(lab, 'r1', 'esp-aes esp-sha-hmac'), 'r1', [
        '--metrics',
        METRICS,
        '--http',
        '127.0.0.1:8080',
      ]);
      assert.ok(await triggerFromHa(lab), `no tunnel:\n${r1.log().slice(-3000)}\n${r2.log().slice(-3000)}`);
    });
    after(async () => {
      await lab?.destroy();
    });

    it('serves /metrics that promtool accepts, with the tunnel’s SAs and traffic', async () => {
      const before = await get(lab, 'r2', `http://${METRICS}/metrics`);
      const lint = await run(PROMTOOL, ['check', 'metrics'], { input: before });
      assert.equal(lint.code, 0, `promtool check metrics:\n${lint.stdout}${lint.stderr}`);
      assert.equal(sample(before, 'typeswan_ike_sas{router="r2",state="QM_IDLE"}'), 1);
      assert.equal(sample(before, 'typeswan_ipsec_sas{router="r2",protocol="esp",direction="in"}'), 1);
      assert.equal(sample(before, 'typeswan_ipsec_sas{router="r2",protocol="esp",direction="out"}'), 1);
      assert.equal(
        sample(
          before,
          'typeswan_negotiations_failed_total{router="r2",phase="2",reason="no_proposal_chosen"}',
        ),
        1,
      );
      assert.equal(
        sample(before, 'typeswan_negotiations_started_total{router="r2",phase="2",role="responder"}'),
        2,
      );
      assert.equal(sample(before, 'typeswan_negotiations_completed_total{router="r2",phase="2"}'), 1);
      // r1 restarted: a second phase 1 from it, both answered by r2.
      assert.equal(sample(before, 'typeswan_negotiations_completed_total{router="r2",phase="1"}'), 2);
      const ping = await lab.ping('ha', ADDR.hb, 5, 0.2);
      assert.equal(ping.received, 5, ping.output);
      const afterPing = await get(lab, 'r2', `http://${METRICS}/metrics`);
      // Five echo requests in, five replies out; each 84 bytes inside the tunnel (20 IP + 8 ICMP
      // + ping's default 56 data bytes).
      for (const [direction, what, delta] of [
        ['in', 'packets', 5],
        ['out', 'packets', 5],
        ['in', 'bytes', 420],
        ['out', 'bytes', 420],
      ] as const) {
        const series = `typeswan_peer_${what}_total{router="r2",peer="${ADDR.r1Wan}",protocol="esp",direction="${direction}"}`;
        const was = sample(before, series);
        const now = sample(afterPing, series);
        assert.ok(was !== undefined && now !== undefined, `${series} missing:\n${afterPing}`);
        assert.equal(now - was, delta, series);
      }
      // r1 serves /metrics alone on its port and the status page on another.
      const r1Metrics = await get(lab, 'r1', `http://${METRICS}/metrics`);
      assert.equal(sample(r1Metrics, 'typeswan_negotiations_completed_total{router="r1",phase="2"}'), 1);
      assert.match(await get(lab, 'r1', 'http://127.0.0.1:8080/api/status'), /"router":"r1"/);
      const page = await lab.exec('r1', [
        process.execPath,
        '-e',
        'fetch(process.argv[1]).then((r) => process.stdout.write(String(r.status)))',
        `http://${METRICS}/`,
      ]);
      assert.equal(page.stdout, '404', 'the --metrics listener serves the status page too');
    });

    it('is scraped by a real Prometheus, which answers a query with the gateway’s value', async () => {
      const dir = lab.dir;
      const promConfig = join(dir, 'prometheus.yml');
      writeFileSync(
        promConfig,
        [
          'global:',
          '  scrape_interval: 1s',
          'scrape_configs:',
          '  - job_name: typeswan',
          '    static_configs:',
          `      - targets: ['${METRICS}']`,
          '',
        ].join('\n'),
      );
      const prometheus = lab.spawnIn('r2', 'prometheus', [
        PROMETHEUS,
        `--config.file=${promConfig}`,
        `--storage.tsdb.path=${join(dir, 'tsdb')}`,
        '--web.listen-address=127.0.0.1:9090',
      ]);
      const exposition = await get(lab, 'r2', `http://${METRICS}/metrics`);
      const series = `typeswan_peer_packets_total{router="r2",peer="${ADDR.r1Wan}",protocol="esp",direction="in"}`;
      const expected = sample(exposition, series);
      assert.ok(expected !== undefined && expected > 0, `${series} missing`);
      const query = encodeURIComponent(
        `typeswan_peer_packets_total{job="typeswan",peer="${ADDR.r1Wan}",protocol="esp",direction="in"}`,
      );
      let answer = '';
      const scraped = await until(async () => {
        if (!prometheus.running) return true;
        const result = await lab.exec('r2', [
          process.execPath,
          '-e',
          'fetch(process.argv[1]).then(async (r) => process.stdout.write(await r.text()), () => {})',
          `http://127.0.0.1:9090/api/v1/query?query=${query}`,
        ]);
        answer = result.stdout;
        return /"result":\[\{/.test(answer);
      }, 60_000);
      assert.ok(
        scraped && prometheus.running,
        `Prometheus did not scrape:\n${answer}\n${prometheus.text().slice(-3000)}`,
      );
      const parsed = JSON.parse(answer) as {
        data: { result: { metric: Record<string, string>; value: [number, string] }[] };
      };
      const [first] = parsed.data.result;
      assert.equal(first?.metric['router'], 'r2');
      assert.equal(first?.metric['instance'], METRICS);
      assert.equal(Number(first?.value[1]), expected);
      await prometheus.stop();
    });

    it('renders the status page in headless Chromium and follows the counters live', async () => {
      const browser = await Chromium.start(lab, 'r2');
      try {
        await browser.navigate(`http://${METRICS}/`);
        const row = `document.querySelector('#tunnels tbody tr[data-peer="${ADDR.r1Wan}"]')`;
        const transform = await browser.waitFor(`${row}?.querySelector('.transform')?.textContent`, (v) =>
          String(v).includes('esp-aes esp-sha-hmac'),
        );
        assert.equal(transform, 'esp-aes esp-sha-hmac');
        const peer = await browser.evaluate(
          `document.querySelector('#peers tbody tr[data-peer="${ADDR.r1Wan}"]')?.textContent`,
        );
        assert.match(String(peer), /QM_IDLE/);
        assert.match(String(peer), /aes/);
        const failure = String(
          await browser.evaluate("document.querySelector('#failures tbody')?.textContent"),
        );
        assert.match(failure, /no proposal chosen/);
        assert.match(failure, /encryption/i, `the failure names the mismatched attribute: ${failure}`);
        assert.match(failure, /3des/i);
        const encaps = Number(await browser.evaluate(`${row}.querySelector('.encaps').textContent`));
        const ping = await lab.ping('ha', ADDR.hb, 5, 0.2);
        assert.equal(ping.received, 5, ping.output);
        // No reload: the page's event stream brings the new counters.
        const now = await browser.waitFor(
          `Number(${row}.querySelector('.encaps').textContent)`,
          (v) => v === encaps + 5,
        );
        assert.equal(now, encaps + 5);
        const png = await browser.screenshot();
        assert.equal(png.subarray(1, 4).toString('latin1'), 'PNG');
      } finally {
        await browser.stop();
      }
      // The README's screenshot, made as it says: chromium --headless --screenshot.
      const file = join(lab.dir, 'status-page.png');
      const shot = await lab.exec(
        'r2',
        [
          CHROMIUM,
          '--headless',
          '--no-sandbox',
          `--user-data-dir=${join(lab.dir, 'chromium-shot')}`,
          '--window-size=1280,560',
          '--virtual-time-budget=3000',
          `--screenshot=${file}`,
          `http://${METRICS}/?live=0`,
        ],
        { timeoutMs: 60_000, env: { ...process.env, HOME: lab.dir } },
      );
      assert.ok(existsSync(file), `chromium --screenshot wrote nothing:\n${shot.stderr.slice(-2000)}`);
      assert.equal(readFileSync(file).subarray(1, 4).toString('latin1'), 'PNG');
      if (process.env['TYPESWAN_SCREENSHOT']) copyFileSync(file, process.env['TYPESWAN_SCREENSHOT']);
      writeFileSync(join(lab.dir, 'metrics.txt'), await get(lab, 'r2', `http://${METRICS}/metrics`));
    });
  },
);
