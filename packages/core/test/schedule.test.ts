import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatDiagnostic, loadScheduleText } from '../src/index.js';

const lines = (text: string, profiles?: string[]) =>
	loadScheduleText(text, 's.yaml', profiles).diagnostics.map(formatDiagnostic);

describe('schedule files', () => {
	it('a weekly slot crossing midnight is on air until the next morning, in its own time zone', () => {
		const { schedule, diagnostics } = loadScheduleText(
			'timezone: Europe/Berlin\nslots:\n  - { profile: dj-a, days: [fri], from: "22:00", to: "01:00" }\n  - { profile: dj-b, days: [sat], from: "01:00", to: "03:00" }\n',
			's.yaml',
		);
		assert.deepEqual(diagnostics, []);
		// Friday 2026-11-27 23:30 in Berlin is 22:30 UTC.
		assert.equal(schedule!.at(Date.parse('2026-11-27T22:30:00Z'))?.profile, 'dj-a');
		assert.equal(schedule!.at(Date.parse('2026-11-28T00:30:00Z'))?.profile, 'dj-b');
		assert.equal(schedule!.at(Date.parse('2026-11-28T02:30:00Z')), undefined);
		const next = schedule!.next(Date.parse('2026-11-27T12:00:00Z'))!;
		assert.deepEqual([next.profile, new Date(next.start).toISOString()], ['dj-a', '2026-11-27T21:00:00.000Z']);
	});

	it('weekly slots keep their wall-clock hours on daylight-saving nights, and are never refused for it', () => {
		const text =
			'timezone: Europe/Berlin\nslots:\n  - { profile: b, days: [sun], from: "01:00", to: "06:00" }\n  - { profile: c, days: [sun], from: "06:00", to: "08:00" }\n';
		const { schedule, diagnostics } = loadScheduleText(text, 's.yaml');
		assert.deepEqual(diagnostics, []);
		// 2026-03-29: clocks go from 02:00 to 03:00. 06:30 in Berlin is then 04:30 UTC: c's, not b's.
		assert.equal(schedule!.at(Date.parse('2026-03-29T04:30:00Z'))?.profile, 'c');
		// 2026-10-25: clocks go back. 05:30 in Berlin is 04:30 UTC: still b's.
		assert.equal(schedule!.at(Date.parse('2026-10-25T04:30:00Z'))?.profile, 'b');
	});

	it('dated slots with seconds, and the next one after a gap', () => {
		const { schedule } = loadScheduleText(
			'timezone: UTC\nslots:\n  - { profile: a, start: "2026-12-04T22:00:05", end: "2026-12-04T23:00:00" }\n  - { profile: b, start: "2026-12-05T01:00:00", end: "2026-12-05T02:00:00" }\n',
			's.yaml',
		);
		assert.equal(schedule!.at(Date.parse('2026-12-04T22:00:05Z'))?.profile, 'a');
		assert.equal(schedule!.at(Date.parse('2026-12-04T22:00:04Z')), undefined);
		assert.equal(schedule!.next(Date.parse('2026-12-04T23:30:00Z'))?.profile, 'b');
	});

	it('a station manager double-books Friday night: both slots named, at FILE:LINE:COL', () => {
		assert.deepEqual(
			lines(
				'timezone: UTC\nslots:\n  - { profile: dj-a, days: [fri], from: "22:00", to: "01:00" }\n  - { profile: dj-b, days: [sat], from: "00:30", to: "02:00" }\n',
			),
			[
				's.yaml:4:5: slot dj-b, sat 00:30–02:00 overlaps slot dj-a, fri 22:00–01:00 at s.yaml:3:5: one profile at a time is on the shared mounts',
			],
		);
		assert.match(
			lines(
				'timezone: UTC\nslots:\n  - { profile: a, days: [mon], from: "10:00", to: "12:00" }\n  - { profile: b, start: "2026-11-30T11:00:00", end: "2026-11-30T11:30:00" }\n',
			).join('\n'),
			/slot b, 2026-11-30T11:00:00–2026-11-30T11:30:00 overlaps slot a, mon 10:00–12:00/,
		);
	});

	it('a careless schedule: a bad zone, half a slot, an end before its start, a bad time, an unknown profile', () => {
		assert.deepEqual(
			lines('timezone: Mars/Olympus\nslots:\n  - { profile: a, days: [mon], from: "10:00", to: "12:00" }\n'),
			[
				's.yaml:1:11: timezone: "Mars/Olympus" is not a time zone jdcast knows; use an IANA name such as Europe/Berlin or UTC',
			],
		);
		assert.deepEqual(lines('slots:\n  - { profile: a, days: [mon], from: "10:00" }\n'), [
			's.yaml:2:5: slots[0]: give days, from and to (a weekly slot) or start and end (a dated one)',
		]);
		assert.deepEqual(lines('slots:\n  - { profile: a, start: "2026-12-04T22:00", end: "2026-12-04T21:00" }\n'), [
			's.yaml:2:51: slots[0].end: 2026-12-04T21:00 is not after its start 2026-12-04T22:00',
		]);
		assert.match(
			lines('slots:\n  - { profile: a, days: [mon], from: "25:00", to: "12:00" }\n')[0]!,
			/s\.yaml:2:38: slots\[0\]\.from: "25:00" is not valid: expected a time of day as HH:MM or HH:MM:SS/,
		);
		assert.match(
			lines('slots:\n  - { profile: a, days: [mon], from: "10:00", to: "12:00" }\n', ['dj-a', 'dj-b'])[0]!,
			/slots\[0\]\.profile: no profile named "a" among the files given; profiles are dj-a, dj-b/,
		);
		assert.match(lines('slot: []\n')[0]!, /schedule: missing required key `slots`/);
		assert.match(
			lines('slots:\n  - { profile: a, start: "2026-02-30T10:00", end: "2026-03-01T10:00" }\n')[0]!,
			/slots\[0\]\.start: 2026-02-30T10:00 is not a date that exists/,
		);
		assert.match(
			lines('slots:\n  - { profile: a, start: "2026-01-01T10:00", end: "2036-01-01T10:00" }\n')[0]!,
			/slots\[0\]\.end: a dated slot lasts at most 31 days/,
		);
	});
});
