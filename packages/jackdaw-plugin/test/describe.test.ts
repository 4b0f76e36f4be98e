import assert from 'node:assert/strict';
import { describe as suite, it } from 'node:test';
import type { ProfileStatus, StatusSnapshot } from '@jdcast/core';
import { exampleAudio, exampleOutput, exampleProfile, exampleSnapshot } from '@jdcast/core/testing';
import { describe } from '../src/phrases.js';

const NOW = Date.parse('2026-11-27T03:00:00Z');
const output = exampleOutput({
	mount: '/jackdaw.opus',
	listeners: 2,
	liveSince: '2026-11-27T02:48:00Z',
});
const audio = exampleAudio({
	peakDb: [-8, -8],
	rmsDb: [-20, -20],
	momentaryLufs: -18,
	shortTermLufs: -18,
	integratedLufs: -18,
	truePeakDb: -7.9,
});
const profile = (p: Partial<ProfileStatus>) => exampleProfile({ name: 'jackdaw', audio, outputs: [output], ...p });
const snapshot = (...profiles: ProfileStatus[]): StatusSnapshot => ({ ...exampleSnapshot(profiles), mounts: [] });

suite('the spoken stream status', () => {
	it('says the stream is on air, with its listeners', () => {
		assert.equal(
			describe(snapshot(profile({})), NOW),
			'Streaming Opus at 96 kilobits to jackdaw dot opus on localhost, 2 listeners, on air 12 minutes.',
		);
	});

	it('names the harbor DJ on air, and says when nobody sends to the harbor', () => {
		const dj = {
			user: 'dj_anna',
			address: '10.0.0.5',
			userAgent: 'Mixxx/2.3.6',
			contentType: 'audio/ogg',
			codec: 'vorbis, 44100 Hz, stereo',
			name: null,
			connectedAt: '2026-11-27T02:48:00Z',
			onAirSince: '2026-11-27T02:48:00Z',
			bytes: 1,
		};
		const harbor = { host: '127.0.0.1', port: 8010, mount: '/dj', dj, lastDj: null, refused: 0, lastRefusal: null };
		assert.match(
			describe(snapshot(profile({ harbor })), NOW),
			/^DJ dj anna is on air through the harbor from Mixxx\. Streaming Opus/,
		);
		const standby = exampleOutput({ mount: '/live.opus', shared: true, state: 'standby', liveSince: null });
		assert.equal(
			describe(snapshot(profile({ harbor: { ...harbor, dj: null }, outputs: [standby] })), NOW),
			'Waiting for a DJ: nobody sends to the harbor.',
		);
	});

	it('says the stream is silent, and for how long', () => {
		const silent = profile({
			audio: { ...audio, peakDb: [null, null], silent: true, silentSince: '2026-11-27T02:57:00Z' },
		});
		assert.equal(
			describe(snapshot(silent), NOW),
			'Streaming Opus at 96 kilobits to jackdaw dot opus on localhost, 2 listeners, on air 12 minutes. But it is silent: nothing audible for 3 minutes.',
		);
	});

	it('says a DJ waiting for a shared mount is waiting, not starting', () => {
		assert.equal(
			describe(snapshot(profile({ outputs: [{ ...output, shared: true, state: 'waiting' }] })), NOW),
			'Waiting to go on air: another DJ has the stream.',
		);
	});

	it("names the DJ really on a station's shared mount, and says standing by after a handover", () => {
		const shared = { ...output, url: 'http://127.0.0.1:8000/live.opus', mount: '/live.opus', shared: true };
		const ben = profile({ name: 'dj-ben', outputs: [shared] });
		const anna = profile({ name: 'dj-anna', outputs: [{ ...shared, state: 'standby' as const }] });
		assert.equal(
			describe(exampleSnapshot([anna, ben]), NOW),
			'dj ben is on air. Streaming Opus at 96 kilobits to live dot opus on localhost, 2 listeners, on air 12 minutes.',
		);
		assert.equal(describe(exampleSnapshot([anna]), NOW), 'Standing by: nobody has the stream.');
	});

	it('does not call a stalled encoder "on air"', () => {
		assert.equal(
			describe(snapshot(profile({ outputs: [{ ...output, state: 'stalled' }] })), NOW),
			'Stream stalled: the encoder sends no audio; restarting it.',
		);
	});
});
