import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { listenersByMount, type AudioStatus, type OutputStatus, type ProfileStatus } from '@jdcast/core';
import { exampleAudio, exampleOutput, exampleProfile, exampleSnapshot } from '@jdcast/core/testing';
import { momentText, renderTable, shortPath } from '../src/output/status-table.js';

const NOW = Date.parse('2026-11-27T03:00:00Z');

const output = (o: Partial<OutputStatus>) =>
	exampleOutput({ listeners: 3, liveSince: '2026-11-27T02:58:30Z', url: 'http://x:8000/night.opus', ...o });
const audio = (a: Partial<AudioStatus>) =>
	exampleAudio({ peakDb: [-6, -7.5], rmsDb: [-18, -19], momentaryLufs: -16.2, integratedLufs: -16.4, ...a });
const profile = (p: Partial<ProfileStatus>) => exampleProfile({ audio: audio({}), outputs: [output({})], ...p });
const snapshot = exampleSnapshot;

describe('the status table', () => {
	it('shows a meter per profile: peak bar, peak and loudness', () => {
		const text = renderTable(snapshot([profile({})]), { now: NOW });
		assert.match(text, /^night {2}running {2}\[#{11}\.\] {2}-6\.0 dBFS {2}M -16\.2 {2}I -16\.4 LUFS$/m);
		assert.match(text, /\/night\.opus +main +live +1:30 +96 +3 +0$/m);
	});

	it('with loudness control, says what comes in on a line of its own under what goes to air', () => {
		const withInput = audio({ input: { peakDb: [-3, -3], momentaryLufs: -30.4, shortTermLufs: -31.2 } });
		const lines = renderTable(snapshot([profile({ audio: withInput })]), { now: NOW }).split('\n');
		const at = lines.findIndex((l) => l.includes('LUFS') && l.startsWith('night'));
		assert.equal(lines[at + 1]?.trim(), 'input before loudness control: S -31.2 LUFS');
		assert.ok(!renderTable(snapshot([profile({})]), { now: NOW }).includes('input before'));
	});

	it('says who is on the harbor, from where, with what, since when; between DJs who left last and why', () => {
		const dj = {
			user: 'anna',
			address: '10.0.0.5',
			userAgent: 'butt 0.1.40',
			contentType: 'audio/mpeg',
			codec: 'mp3, 44100 Hz, stereo',
			name: null,
			connectedAt: '2026-11-27T02:50:00Z',
			onAirSince: '2026-11-27T02:50:01Z',
			bytes: 1000,
		};
		const harbor = { host: '0.0.0.0', port: 8010, mount: '/dj', dj, lastDj: null, refused: 3, lastRefusal: null };
		const on = renderTable(snapshot([profile({ harbor })]), { now: NOW, width: 140 });
		const at = momentText(new Date(dj.onAirSince), new Date(NOW));
		assert.ok(
			on.includes(
				`harbor  8010/dj: anna on air since ${at} from 10.0.0.5 (butt 0.1.40), mp3, 44100 Hz, stereo; 3 refused`,
			),
			on,
		);
		const lastDj = { user: 'anna', address: '10.0.0.5', leftAt: '2026-11-27T02:59:00Z', reason: 'no audio for 3 s' };
		const off = renderTable(snapshot([profile({ harbor: { ...harbor, dj: null, lastDj, refused: 0 } })]), {
			now: NOW,
			width: 140,
		});
		assert.ok(
			off.includes(
				`harbor  8010/dj: no DJ; anna left ${momentText(new Date(lastDj.leftAt), new Date(NOW))} (no audio for 3 s)`,
			),
			off,
		);
	});

	it('says SILENT and for how long, in red on a colour terminal', () => {
		const silent = audio({
			peakDb: [null, null],
			rmsDb: [null, null],
			momentaryLufs: null,
			silent: true,
			silentSince: '2026-11-27T02:59:18Z',
		});
		const text = renderTable(snapshot([profile({ audio: silent })]), { now: NOW, color: true });
		assert.match(text, /\u001b\[1;31mSILENT for 0:42 {2}\[\.{12}\] {2}-inf dBFS {2}M -inf {2}I -16\.4 LUFS\u001b\[0m/);
		assert.ok(
			!renderTable(snapshot([profile({ audio: silent })]), { now: NOW }).includes('\u001b'),
			'no colour unless asked',
		);
	});

	it('fits 80 columns, shortens recording paths, shows no stale rate on stopped rows', () => {
		const text = renderTable(
			snapshot([
				profile({
					outputs: [
						output({ state: 'stopped', kbps: 96, liveSince: null }),
						output({
							server: 'far',
							state: 'retrying',
							kbps: 0,
							lastError: `connection refused by far.example:8000 \u001b[31mred\u001b[0m and a long tail of words that goes on and on`,
						}),
					],
					recordings: [
						{
							name: 'archive/{date}.ogg',
							path: '/home/dj/archive/2026/november/night-2026-11-27_020000.ogg',
							state: 'recording',
							bytes: 10,
							partBytes: 10,
							seconds: 1,
							lastError: null,
							parts: ['/srv/rec/show.ogg'],
							lostSeconds: 0,
						},
					],
				}),
			]),
			{ now: NOW, cwd: '/home/dj' },
		);
		for (const line of text.split('\n')) assert.ok(line.length <= 80, `${line.length}: ${line}`);
		assert.match(text, /\/night\.opus +main +stopped +0$/m);
		assert.match(text, /^ {6}connection refused by far\.example:8000  \[31mred/m);
		assert.match(text, /^  rec recording  archive\/2026\/november\/night-2026-11-27_020000\.ogg$/m);
		assert.ok(!text.includes('\u001b'), 'what a server said reaches the terminal without escape sequences');
	});

	it('sums the listeners of a mount over every server that carries it (edges)', () => {
		const edges = ['edge1', 'edge2', 'edge3'].map((server, i) =>
			output({ server, url: `http://${server}:8000/live.opus`, listeners: [104, 103, null][i]! }),
		);
		const text = renderTable(snapshot([profile({ outputs: edges })]), { width: 100 });
		assert.match(text, /^\/night\.opus: 207 listeners on 3 servers \(edge1 104, edge2 103, edge3 \?\)$/m);
		assert.deepEqual(
			listenersByMount([profile({ outputs: edges }), profile({ name: 'off', state: 'stopped', outputs: edges })]).map(
				(m) => [m.mount, m.listeners, m.servers.length],
			),
			[['/night.opus', 207, 3]],
		);
	});

	it('shortens a path relative to the working folder first', () => {
		assert.equal(shortPath('/home/dj/rec/night.ogg', '/home/dj', 28), 'rec/night.ogg');
		assert.equal(shortPath('/srv/a/very/long/folder/name/night.ogg', '/home/dj', 20), '…lder/name/night.ogg');
	});
});

describe('the station lines', () => {
	const shared = (o: Partial<OutputStatus>) =>
		output({ mount: '/live.opus', shared: true, url: 'http://x:8000/live.opus', ...o });

	it('name the real holder of each shared mount, not the schedule slot, with its listeners', () => {
		const ben = profile({ name: 'dj-ben', outputs: [shared({ listeners: 37 })] });
		const anna = profile({ name: 'dj-anna', outputs: [shared({ state: 'standby', listeners: null })] });
		const s = snapshot([anna, ben]);
		s.schedule = { current: 'dj-ben', slot: 'dj-anna', next: 'dj-ben', nextAt: '2026-11-28T20:00:00Z' };
		const text = renderTable(s, { now: NOW });
		assert.match(text, /^on air: \/live\.opus on main: dj-ben, 37 listeners$/m);
		assert.match(text, /^schedule: dj-anna's slot, but dj-ben on air; next dj-ben \w{3} \d\d:\d\d \(in 41 hours\)$/m);
	});

	it('say an outside source, and nobody with where the listeners are', () => {
		const waiting = profile({ name: 'dj-ben', outputs: [shared({ state: 'waiting', listeners: null })] });
		const s = snapshot([waiting], { 'http://x:8000/live.opus': '/autodj.opus' });
		assert.match(
			renderTable(s, { now: NOW, width: 200 }),
			/on air: \/live\.opus on main: nobody, nor its fallback \/autodj\.opus: listeners hear nothing/,
		);
		s.mounts[0]!.servers[0]!.fallbackSource = 'autodj';
		assert.match(renderTable(s, { now: NOW }), /on air: \/live\.opus on main: nobody \(listeners on \/autodj\.opus\)/);
		s.mounts[0]!.servers[0]!.source = 'external';
		assert.match(renderTable(s, { now: NOW }), /on air: \/live\.opus on main: a source outside this jdcast/);
	});

	it('give a moment its day when it is not today', () => {
		const now = new Date(2026, 10, 27, 9, 0);
		assert.equal(momentText(new Date(2026, 10, 27, 22, 0), now), '22:00');
		assert.equal(momentText(new Date(2026, 10, 28, 20, 0), now), 'Sat 20:00');
		assert.equal(momentText(new Date(2026, 11, 31, 20, 0), now), '31 Dec 20:00');
	});
});
