import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { formatDiagnostic, loadProfileFiles, loadProfileText } from '../src/index.js';
import { isScheduleData, isScheduleFile } from '../src/schedule/recognise.js';

const dir = mkdtempSync(path.join(tmpdir(), 'jdcast-preflight-'));
function write(name: string, text: string): string {
	const file = path.join(dir, name);
	writeFileSync(file, text, { mode: 0o600 });
	return file;
}

const SCHEDULE = 'timezone: UTC\nlead: 5\nslots:\n  - { profile: dj-anna, days: [fri], from: "20:00", to: "23:00" }\n';

describe('a schedule is told from a profile by what it holds', () => {
	it('slots and none of the keys every profile has: a schedule, whatever the file is called', async () => {
		assert.equal(isScheduleData({ slots: [] }), true);
		assert.equal(isScheduleData({ timezone: 'UTC', slots: [{ profile: 'a' }] }), true);
		// A profile with a stray `slots` key is a profile: the schema names the key.
		assert.equal(isScheduleData({ slots: [], servers: {} }), false);
		assert.equal(isScheduleData({ slots: [], streams: [] }), false);
		assert.equal(isScheduleData({ servers: {}, streams: [] }), false);
		assert.equal(isScheduleData([{ slots: [] }]), false);
		assert.equal(isScheduleData(null), false);
		assert.equal(await isScheduleFile(write('night.yaml', SCHEDULE)), true);
		assert.equal(await isScheduleFile(write('profile.yaml', 'servers: {}\nstreams: []\n# slots\n')), false);
		assert.equal(await isScheduleFile(write('broken.yaml', 'slots: [\n')), false, 'left to the loader to explain');
		assert.equal(await isScheduleFile(path.join(dir, 'missing.yaml')), false);
	});

	it('loadProfileFiles given a schedule says so in one line at FILE:1:1, not what a profile lacks', async () => {
		const schedule = write('schedule.yaml', SCHEDULE);
		const result = await loadProfileFiles([schedule]);
		assert.equal(result.ok, false);
		assert.deepEqual(result.diagnostics.map(formatDiagnostic), [
			`${schedule}:1:1: this is a schedule, not a profile: pass it with --schedule (in code: loadScheduleFile)`,
		]);
		// A profile that lost its servers and streams is still told what it lacks.
		assert.match(
			loadProfileText('name: x\nlatency: low\n', 'p.yaml').diagnostics.map(formatDiagnostic).join('\n'),
			/missing required key `servers`/,
		);
	});
});
