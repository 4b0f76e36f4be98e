import assert from 'node:assert/strict';
import type http from 'node:http';
import { describe, it } from 'node:test';
import { checkHttpAccess, hostIsLocal, sameOrigin } from '../src/http/auth.js';
import { Secret } from '../src/profile/secret.js';
import { healthOf } from '../src/status/health.js';
import type { OutputStatus, ProfileStatus, StatusSnapshot } from '../src/status/types.js';
import { exampleOutput, exampleProfile, exampleSnapshot } from '../src/status/examples.js';

const request = (headers: http.IncomingHttpHeaders) => ({ headers }) as http.IncomingMessage;

describe('who may use the HTTP side', () => {
	it('a Host header names this machine only as a loopback name or an IP address', () => {
		for (const host of ['127.0.0.1:8080', 'localhost:8080', '[::1]:80', '10.0.0.2:8080', '127.1:80'])
			assert.ok(hostIsLocal(host), host);
		for (const host of [
			'evil.example:8080',
			'localhost.evil.example',
			'127.0.0.1.evil.example',
			'[::1].evil.example',
			'[::1]evil.example:80',
			'localhost.:80',
			'',
			undefined,
		])
			assert.ok(!hostIsLocal(host), String(host));
	});

	it('a POST from a browser must come from the dashboard itself', () => {
		assert.ok(sameOrigin(request({ host: '127.0.0.1:8080' })), 'programs send no Origin');
		assert.ok(sameOrigin(request({ host: '127.0.0.1:8080', origin: 'http://127.0.0.1:8080' })));
		for (const origin of ['http://evil.example', 'http://127.0.0.1:8081', 'null', 'file://'])
			assert.ok(!sameOrigin(request({ host: '127.0.0.1:8080', origin })), origin);
	});

	it('beyond loopback a token, and a good one', () => {
		assert.doesNotThrow(() => checkHttpAccess('127.0.0.1', undefined));
		assert.doesNotThrow(() => checkHttpAccess('::1', undefined));
		assert.throws(() => checkHttpAccess('0.0.0.0', undefined), /open to the network/);
		assert.throws(() => checkHttpAccess('0.0.0.0', new Secret('short')), /at least 16/);
		assert.throws(() => checkHttpAccess('0.0.0.0', new Secret(' '.repeat(20))), /space/);
		assert.throws(() => checkHttpAccess('0.0.0.0', new Secret('abcdefghijklmnop\u0007')), /control character/);
		assert.doesNotThrow(() => checkHttpAccess('0.0.0.0', new Secret('0123456789abcdef')));
	});
});

describe('health', () => {
	const output = (o: Partial<OutputStatus>) => exampleOutput({ mount: '/a', url: 'http://h:8000/a', ...o });
	const profile = (p: Partial<ProfileStatus>) =>
		exampleProfile({ name: 'p', audio: null, outputs: [output({})], ...p });
	const snapshot = (...profiles: ProfileStatus[]): StatusSnapshot => ({ ...exampleSnapshot(profiles), mounts: [] });

	it('every running profile live and audible: ok', () => {
		assert.deepEqual(
			healthOf(
				snapshot(profile({}), profile({ name: 'q', state: 'stopped', outputs: [output({ state: 'stopped' })] })),
			),
			{ ok: true, problems: [] },
		);
	});

	it('one sentence per problem, naming profile and mount', () => {
		const health = healthOf(
			snapshot(
				profile({
					outputs: [
						output({ state: 'retrying', lastError: 'connection refused' }),
						output({ mount: '/b', state: 'connecting' }),
					],
				}),
				profile({ name: 'bad', state: 'failed', lastError: 'ffmpeg not found' }),
				profile({
					name: 'quiet',
					audio: {
						peakDb: [null],
						rmsDb: [null],
						momentaryLufs: null,
						shortTermLufs: null,
						integratedLufs: null,
						truePeakDb: null,
						silent: true,
						silentSince: '2026-11-27T02:00:00.000Z',
						clips: 0,
					},
					recordings: [
						{
							name: 'r.flac',
							path: '/r.flac',
							state: 'retrying',
							bytes: 0,
							partBytes: 0,
							seconds: 0,
							lastError: 'ENOSPC',
							parts: [],
							lostSeconds: 0,
						},
					],
				}),
			),
		);
		assert.deepEqual(health.problems, [
			'profile p: /a on main is retrying (connection refused)',
			'profile p: /b on main is connecting',
			'profile bad is failed: ffmpeg not found',
			'profile quiet: dead air since 2026-11-27T02:00:00.000Z on what is on air (every channel below the silence threshold)',
			'profile quiet: recording /r.flac is retrying (ENOSPC)',
		]);
	});

	it('a DJ handed over (standby) or waiting for an outside source is no fault; a shared mount nobody feeds is, unless it has a fallback', () => {
		const live = (o: Partial<OutputStatus>) =>
			output({ mount: '/live', shared: true, url: 'http://h:8000/live', ...o });
		const handedOver = profile({ name: 'dj-a', outputs: [live({ state: 'standby' })] });
		const onAir = profile({ name: 'dj-b', outputs: [live({})] });
		assert.deepEqual(healthOf(exampleSnapshot([handedOver, onAir])).problems, []);
		// Another machine's DJ holds it: ours waits, listeners hear that DJ.
		const waiting = profile({ name: 'dj-b', outputs: [live({ state: 'waiting' })] });
		const external = exampleSnapshot([waiting]);
		external.mounts[0]!.servers[0]!.source = 'external';
		assert.deepEqual(healthOf(external).problems, []);
		// Yielded for dead air: silent, but not on air, so not dead air for listeners; the fallback has them.
		const yielded = profile({
			name: 'dj-b',
			audio: { ...exampleSnapshot([onAir]).profiles[0]!.audio!, silent: true },
			outputs: [live({ state: 'standby' })],
		});
		const autodj = profile({ name: 'autodj', outputs: [output({ mount: '/autodj', url: 'http://h:8000/autodj' })] });
		const fallbacks = { 'http://h:8000/live': '/autodj' };
		assert.deepEqual(healthOf(exampleSnapshot([yielded, autodj], fallbacks)).problems, []);
		// The autodj stopped too: nothing feeds the public mount, not even its fallback.
		assert.deepEqual(healthOf(exampleSnapshot([yielded], fallbacks)).problems, [
			'/live on main: nobody feeds it nor its fallback /autodj: its listeners hear nothing',
		]);
		assert.deepEqual(healthOf(exampleSnapshot([yielded])).problems, [
			'/live on main: nobody feeds it and it has no fallback: its listeners hear nothing',
		]);
		assert.deepEqual(healthOf(snapshot(profile({ state: 'stopped' }))).problems, [
			'nothing is on air: every profile is stopped',
		]);
	});

	it('a server dropped as too slow stays a problem while its mark lasts, though the output is live again', () => {
		const slow = output({ lastErrorCode: 'E_ICECAST_SLOW', lastError: 'h:8000 takes /a slower than it is produced' });
		assert.deepEqual(healthOf(snapshot(profile({ outputs: [slow] }))).problems, [
			'profile p: /a on main was dropped as too slow within the last minute (h:8000 takes /a slower than it is produced)',
		]);
	});
});
