import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it, mock } from 'node:test';
import { formatDiagnostic, loadScheduleText } from '../src/index.js';

const berlin = (start: string, end: string) =>
	`timezone: Europe/Berlin\nslots:\n  - { profile: night, start: "${start}", end: "${end}" }\n`;
const lines = (text: string) => loadScheduleText(text, 's.yaml').diagnostics.map(formatDiagnostic);

describe('dated slots on daylight-saving nights', () => {
	// The nights below are in 2027; a slot already over is not checked. Today is fixed before them.
	beforeEach(() => mock.timers.enable({ apis: ['Date'], now: Date.parse('2026-12-06T12:00:00Z') }));
	afterEach(() => mock.timers.reset());

	it('a slot already over is not refused for its daylight-saving time: an old file still loads', () => {
		mock.timers.setTime(Date.parse('2028-01-01T00:00:00Z'));
		assert.deepEqual(lines(berlin('2027-03-28T02:00', '2027-03-28T04:00')), []);
	});

	it('a time the clocks skip is refused at FILE:LINE:COL, with the zone, the gap and what to write', () => {
		assert.deepEqual(lines(berlin('2027-03-28T02:00', '2027-03-28T04:00')), [
			's.yaml:3:30: slots[0].start: 2027-03-28T02:00 does not exist in Europe/Berlin: the clocks go from 02:00 to 03:00 that night; write a time before 02:00 or from 03:00 on (2027-03-28T03:00 is the moment the clocks go forward)',
		]);
		assert.match(
			lines(berlin('2027-03-28T00:00', '2027-03-28T02:59:59'))[0]!,
			/^s\.yaml:3:55: slots\[0\]\.end: 2027-03-28T02:59:59 does not exist in Europe\/Berlin/,
		);
	});

	it('a time the clocks pass twice is refused, with both readings written out', () => {
		assert.deepEqual(lines(berlin('2027-10-31T02:15', '2027-10-31T05:00')), [
			's.yaml:3:30: slots[0].start: 2027-10-31T02:15 happens twice in Europe/Berlin: the clocks go back from 03:00 to 02:00 that night; write which with its offset: 2027-10-31T02:15+02:00 (the first time) or 2027-10-31T02:15+01:00 (the second)',
		]);
	});

	it('with its offset written, a twice-passed time is one moment; an offset the zone does not have there is refused', () => {
		const first = loadScheduleText(berlin('2027-10-31T02:15+02:00', '2027-10-31T05:00'), 's.yaml');
		assert.deepEqual(first.diagnostics, []);
		assert.equal(
			first.schedule!.at(Date.parse('2027-10-31T00:20:00Z'))?.profile,
			'night',
			'on air from the first 02:15',
		);
		const second = loadScheduleText(berlin('2027-10-31T02:15+01:00', '2027-10-31T05:00'), 's.yaml');
		assert.deepEqual(second.diagnostics, []);
		assert.equal(second.schedule!.at(Date.parse('2027-10-31T01:20:00Z'))?.profile, 'night');
		assert.equal(second.schedule!.at(Date.parse('2027-10-31T00:20:00Z')), undefined, 'not yet at the first 02:20');
		assert.deepEqual(lines(berlin('2027-07-01T12:00+05:00', '2027-07-01T14:00')), [
			's.yaml:3:30: slots[0].start: 2027-07-01T12:00+05:00: Europe/Berlin is at +02:00 at 2027-07-01T12:00, not +05:00; write 2027-07-01T12:00+02:00, or leave the offset out',
		]);
	});

	it('ordinary times, and the first minute after the gap, pass as before', () => {
		for (const [start, end] of [
			['2027-03-28T01:59', '2027-03-28T03:00'],
			['2027-10-31T01:00', '2027-10-31T03:00'],
			['2027-07-01T12:00', '2027-07-01T14:00:30'],
		] as const)
			assert.deepEqual(lines(berlin(start, end)), [], `${start}–${end}`);
	});
});
