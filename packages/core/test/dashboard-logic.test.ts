import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { applyEvent, keepRecordingLengths } from '../dashboard/src/events.js';
import { segments, zoneOf } from '../dashboard/src/meter-scale.js';
import { handoverCandidates, holderText, nextSlotText, onAirLine, stationRows } from '../dashboard/src/station.js';
import { exampleOutput, exampleProfile, exampleSnapshot } from '../src/status/examples.js';
import type { JdcastEventMessage } from '../src/status/messages.js';
import type { RecordingStatus, StatusSnapshot } from '../src/status/types.js';

// Local times, so that the tests hold in any time zone: Saturday 5 December 2026, 21:00.
const NOW = new Date(2026, 11, 5, 21, 0).getTime();
const local = (day: number, h: number, m = 0) => new Date(2026, 11, day, h, m).toISOString();

const live = (mount: string, listeners: number, server = 'station', port = 8000) =>
	exampleOutput({ mount, server, shared: true, listeners, url: `http://127.0.0.1:${port}${mount}` });

/** dj-ben on /live.opus (on two servers), dj-anna standing by, the autodj on /autodj.opus. */
function station(): StatusSnapshot {
	const snapshot = exampleSnapshot(
		[
			exampleProfile({
				name: 'autodj',
				outputs: [exampleOutput({ mount: '/autodj.opus', server: 'station', listeners: 4 })],
			}),
			exampleProfile({ name: 'dj-anna', outputs: [{ ...live('/live.opus', 0), state: 'standby', listeners: null }] }),
			exampleProfile({ name: 'dj-ben', outputs: [live('/live.opus', 30), live('/live.opus', 7, 'edge', 8001)] }),
		],
		{ 'http://127.0.0.1:8000/live.opus': '/autodj.opus' },
	);
	for (const server of snapshot.mounts.flatMap((m) => m.servers)) server.sourceSince = local(5, 20, 4);
	return snapshot;
}

describe('dashboard: the station strip', () => {
	it('one row per shared mount, its real holder, since when, its listeners summed over servers', () => {
		const rows = stationRows(station());
		assert.deepEqual(
			rows.map((r) => [r.mount, r.source, r.listeners, r.fallback]),
			[['/live.opus', 'dj-ben', 37, '/autodj.opus']],
		);
		assert.equal(onAirLine(rows, NOW), 'On air: dj-ben on /live.opus since 20:04, 37 listeners');
	});

	it('a harbor profile on the mount is named with its DJ on air', () => {
		const status = station();
		const ben = status.profiles.find((p) => p.name === 'dj-ben')!;
		const dj = {
			user: 'anna',
			address: '10.0.0.5',
			userAgent: null,
			contentType: null,
			codec: null,
			name: null,
			connectedAt: local(5, 20, 4),
			onAirSince: null as string | null,
			bytes: 0,
		};
		ben.harbor = { host: '127.0.0.1', port: 8010, mount: '/dj', dj, lastDj: null, refused: 0, lastRefusal: null };
		assert.equal(holderText(stationRows(status)[0]!), 'dj-ben', 'connected but not heard yet: not named');
		dj.onAirSince = local(5, 20, 5);
		assert.equal(holderText(stationRows(status)[0]!), 'dj-ben (DJ anna)');
	});

	it('nobody on the mount: its listeners are on the fallback, counted there', () => {
		const status = station();
		for (const s of status.mounts[1]!.servers) s.source = null;
		const [row] = stationRows(status);
		assert.equal(holderText(row!), 'nobody — listeners on /autodj.opus');
		assert.equal(row!.fallbackListeners, 4);
		assert.equal(onAirLine([row!], NOW), 'On air: nobody on /live.opus since 20:04 — listeners on /autodj.opus');
	});

	it('a source outside this jdcast, and no row at all when no mount is shared', () => {
		const status = station();
		status.mounts[1]!.servers[0]!.source = 'external';
		const [row] = stationRows(status);
		assert.equal(holderText(row!), 'external source');
		assert.deepEqual(row!.elsewhere, [{ server: 'edge', source: 'dj-ben' }], 'an edge fed otherwise is named');
		const plain = exampleSnapshot([exampleProfile()]);
		assert.deepEqual(stationRows(plain), []);
		assert.equal(onAirLine([], NOW), null);
	});

	it('the next slot: its time today, its day otherwise, its date beyond six days', () => {
		const next = (at: string) => nextSlotText({ current: 'dj-anna', slot: 'dj-anna', next: 'dj-ben', nextAt: at }, NOW);
		assert.equal(next(local(5, 23)), 'next dj-ben at 23:00');
		assert.equal(next(local(6, 0, 30)), 'next dj-ben Sun 00:30');
		assert.equal(next(local(11, 20)), 'next dj-ben Fri 20:00');
		assert.equal(next(local(12, 20)), 'next dj-ben Sat 12 Dec 20:00');
		assert.equal(nextSlotText({ current: null, slot: null, next: null, nextAt: null }, NOW), null);
		assert.equal(nextSlotText(undefined, NOW), null);
	});
});

describe('dashboard: hand over to…', () => {
	it('offers only profiles sharing a mount (same server and mount, shared on both sides)', () => {
		const profiles = [
			...station().profiles,
			// The same mount name on another server is another mount.
			exampleProfile({ name: 'dj-elsewhere', outputs: [live('/live.opus', 0, 'other', 9000)] }),
			// The same mount, not shared: the engine would refuse it.
			exampleProfile({ name: 'recorder', outputs: [{ ...live('/live.opus', 0), shared: false }] }),
		];
		assert.deepEqual(handoverCandidates(profiles, 'dj-anna'), ['dj-ben']);
		assert.deepEqual(handoverCandidates(profiles, 'dj-ben'), ['dj-anna']);
		assert.deepEqual(handoverCandidates(profiles, 'autodj'), []);
	});
});

describe('dashboard: events applied to the page', () => {
	const event = (e: object) => ({ time: local(5, 21), ...e }) as JdcastEventMessage;

	it('a mount event moves the strip to the new holder; an unknown mount asks for the status', () => {
		const next = applyEvent(
			station(),
			event({
				event: 'mount',
				profile: 'dj-anna',
				server: 'station',
				mount: '/live.opus',
				source: 'dj-anna',
				previous: 'dj-ben',
				since: local(5, 21, 2),
				reason: 'handover',
			}),
		);
		assert.ok(next);
		assert.equal(onAirLine(stationRows(next), NOW), 'On air: dj-anna on /live.opus since 21:02, 37 listeners');
		assert.deepEqual(
			next.mounts[1]!.servers.map((s) => [s.server, s.source]),
			[
				['station', 'dj-anna'],
				['edge', 'dj-ben'],
			],
		);
		const unknown = event({
			event: 'mount',
			profile: '',
			server: 'station',
			mount: '/new.opus',
			source: null,
			previous: null,
			since: local(5, 21),
			reason: 'stop',
		});
		assert.equal(applyEvent(station(), unknown), null);
	});

	it('stats move the listener sums, and keep who holds each mount', () => {
		const outputs = [live('/live.opus', 40), live('/live.opus', 2, 'edge', 8001)];
		const next = applyEvent(station(), event({ event: 'stats', profile: 'dj-ben', outputs, recordings: [] }));
		const [row] = stationRows(next!);
		assert.deepEqual([row!.source, row!.listeners, row!.sourceSince], ['dj-ben', 42, local(5, 20, 4)]);
	});

	it('a recording stopped with zeros keeps the length and size it had, and says stopped', () => {
		const recording: RecordingStatus = {
			name: 'show.ogg',
			path: '/rec/show.ogg',
			state: 'recording',
			bytes: 5_000_000,
			partBytes: 5_000_000,
			seconds: 312.4,
			lastError: null,
			parts: ['/rec/show.ogg'],
			lostSeconds: 0,
		};
		const status = exampleSnapshot([exampleProfile({ recordings: [recording] })]);
		const stopped = applyEvent(
			status,
			event({
				event: 'recording',
				profile: 'night',
				path: '/rec/show.ogg',
				state: 'stopped',
				error: null,
				seconds: 0,
				partBytes: 0,
			}),
		);
		assert.deepEqual(
			stopped!.profiles[0]!.recordings.map((r) => [r.state, r.seconds, r.partBytes]),
			[['stopped', 312.4, 5_000_000]],
		);
		// The status fetched afterwards says 0 too: the page keeps what it knew.
		const fetched = exampleSnapshot([
			exampleProfile({
				state: 'stopped',
				recordings: [{ ...recording, state: 'stopped', seconds: 0, partBytes: 0, bytes: 0 }],
			}),
		]);
		const kept = keepRecordingLengths(stopped!, fetched);
		assert.deepEqual(
			kept.profiles[0]!.recordings.map((r) => [r.state, r.seconds, r.partBytes, r.bytes]),
			[['stopped', 312.4, 5_000_000, 5_000_000]],
		);
		// Real values the engine sends are taken as they are.
		const real = exampleSnapshot([exampleProfile({ recordings: [{ ...recording, state: 'stopped', seconds: 313 }] })]);
		assert.equal(keepRecordingLengths(stopped!, real).profiles[0]!.recordings[0]!.seconds, 313);
		// A new recording that has not begun writing is not given another's length.
		const fresh = exampleSnapshot([
			exampleProfile({ recordings: [{ ...recording, path: '/rec/next.ogg', seconds: 0, partBytes: 0 }] }),
		]);
		assert.equal(keepRecordingLengths(stopped!, fresh), fresh);
	});
});

describe('dashboard: the level meter', () => {
	it('segments coloured by the level they stand for: green below −18 dBFS, yellow to −9, red above', () => {
		assert.deepEqual(
			[zoneOf(-30), zoneOf(-18.1), zoneOf(-18), zoneOf(-9.1), zoneOf(-8.9), zoneOf(0)],
			['green', 'green', 'yellow', 'yellow', 'red', 'red'],
		);
		const bar = segments(-20, -10);
		assert.equal(bar.length, 40);
		const at = (db: number) => bar.find((s) => s.from === db)!;
		assert.deepEqual(
			[at(-19.5).zone, at(-18).zone, at(-10.5).zone, at(-9).zone, at(-1.5).zone],
			['green', 'yellow', 'yellow', 'red', 'red'],
		);
		// Lit up to the RMS level, whatever colour the segments there have; the peak's own segment marked.
		assert.deepEqual(
			bar
				.filter((s) => s.lit)
				.map((s) => s.from)
				.at(-1),
			-21,
		);
		assert.deepEqual(
			bar.filter((s) => s.peak).map((s) => [s.from, s.zone, s.lit]),
			[[-10.5, 'yellow', false]],
		);
		// Quiet: the lit segments are all green, however long the bar is drawn; full scale lights the last red one.
		assert.ok(
			segments(-25, -20)
				.filter((s) => s.lit)
				.every((s) => s.zone === 'green'),
		);
		assert.deepEqual(
			segments(0, 0)
				.filter((s) => s.peak)
				.map((s) => s.from),
			[-1.5],
		);
		assert.deepEqual(
			segments(null, null).filter((s) => s.lit || s.peak),
			[],
		);
	});
});
