import assert from 'node:assert/strict';
import { it } from 'node:test';
import { exampleOutput, exampleProfile, exampleSnapshot } from '@jdcast/core/testing';
import { summaryLine } from '../src/output/summary.js';

const NOW = Date.parse('2026-12-06T20:12:04Z');
const since = new Date(NOW - 754_000).toISOString();

it("jdcast status's first line: format and bitrate of what is live, mounts, listeners, time on air", () => {
	const snapshot = exampleSnapshot([
		exampleProfile({
			name: 'jam',
			outputs: [
				exampleOutput({ mount: '/jam.opus', server: 'local', listeners: 2, liveSince: since }),
				exampleOutput({
					mount: '/jam.flac',
					server: 'local',
					format: 'flac',
					bitrate: null,
					listeners: 1,
					liveSince: since,
				}),
				exampleOutput({
					mount: '/jam.mp3',
					server: 'edge',
					format: 'mp3',
					bitrate: 128,
					state: 'retrying',
					liveSince: null,
				}),
			],
		}),
	]);
	assert.equal(
		summaryLine(snapshot, NOW),
		'streaming Opus at 96 kbps, FLAC to /jam.opus, /jam.flac on local, 3 listeners, on air 12:34; 1 other output not live (below)',
	);
});

it('nothing live, nothing running: said so', () => {
	const retrying = exampleProfile({ outputs: [exampleOutput({ state: 'retrying' })] });
	assert.equal(summaryLine(exampleSnapshot([retrying]), NOW), 'not on air: 1 output not live (below)');
	assert.equal(summaryLine(exampleSnapshot([exampleProfile({ state: 'stopped' })]), NOW), 'not streaming');
	const uncounted = exampleProfile({ outputs: [exampleOutput({ listeners: null, liveSince: since })] });
	assert.match(summaryLine(exampleSnapshot([uncounted]), NOW), /, listeners unknown, on air 12:34$/);
});
