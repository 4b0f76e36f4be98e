import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';

const bin = new URL('../bin/jdcast.mjs', import.meta.url).pathname;

async function jdcast(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
	try {
		const { stdout, stderr } = await promisify(execFile)(process.execPath, [bin, ...args]);
		return { code: 0, stdout, stderr };
	} catch (error) {
		const e = error as { code: number; stdout: string; stderr: string };
		return { code: e.code, stdout: e.stdout, stderr: e.stderr };
	}
}

/** A folder as a station keeps it: two DJs' profiles and, beside them, the schedule (any name). */
function station(slotsFor = ['dj-a', 'dj-b']): { dir: string; schedule: string } {
	const dir = mkdtempSync(path.join(tmpdir(), 'jdcast-files-'));
	for (const [i, name] of ['dj-a', 'dj-b'].entries())
		writeFileSync(
			path.join(dir, `${name}.yaml`),
			`name: ${name}\ninput: { tone: { frequency: ${440 + i * 100} } }\nservers:\n  s: { host: localhost, password: x }\nstreams:\n  - { mount: /live.opus, format: opus, shared: true }\n`,
			{ mode: 0o600 },
		);
	const schedule = path.join(dir, 'nights.yaml');
	writeFileSync(
		schedule,
		`timezone: UTC\nslots:\n${slotsFor.map((p, i) => `  - { profile: ${p}, days: [fri], from: "${20 + i}:00", to: "${21 + i}:00" }\n`).join('')}`,
	);
	return { dir, schedule };
}

describe('FILES: globs and a schedule among them', () => {
	it('validate expands a quoted glob as up does, and takes the schedule found there as --schedule', async () => {
		const { dir, schedule } = station();
		const all = await jdcast('validate', path.join(dir, '*.yaml'));
		assert.equal(all.code, 0, all.stderr);
		assert.match(all.stdout, /^3 files valid$/m);
		// The same schedule named both ways is one schedule.
		const both = await jdcast('validate', '--schedule', schedule, path.join(dir, '*.yaml'));
		assert.equal(both.code, 0, both.stderr);
		assert.match(both.stdout, /^3 files valid$/m);
		// Checked as a schedule: the profiles it names must be among the files.
		const unknown = station(['dj-a', 'dj-x']);
		const refused = await jdcast('validate', path.join(unknown.dir, '*.yaml'));
		assert.equal(refused.code, 1);
		assert.match(
			refused.stderr,
			new RegExp(
				`^${unknown.schedule}:\\d+:\\d+: slots\\[1\\]\\.profile: no profile named "dj-x" among the files given`,
				'm',
			),
		);
		assert.doesNotMatch(refused.stderr, /missing required key/);
	});

	it('a glob that matches nothing is wrong usage, not a missing file called *', async () => {
		const { dir } = station();
		const none = await jdcast('validate', path.join(dir, '*.yml'));
		assert.equal(none.code, 2);
		assert.match(none.stderr, /^jdcast validate: no profile files match .*\*\.yml\n/);
	});

	it('two schedules (two among FILES, or one there and another with --schedule): one sentence naming both, exit 2', async () => {
		const { dir, schedule } = station();
		const other = path.join(mkdtempSync(path.join(tmpdir(), 'jdcast-files-')), 'other.yaml');
		writeFileSync(other, 'slots:\n  - { profile: dj-a, days: [sat], from: "20:00", to: "21:00" }\n');
		for (const args of [
			['--schedule', other, path.join(dir, '*.yaml')],
			[path.join(dir, '*.yaml'), other],
		]) {
			for (const command of ['validate', 'up']) {
				const two = await jdcast(command, ...args);
				assert.equal(two.code, 2, `${command} ${args.join(' ')}: ${two.stderr}`);
				const [first, second] = args[0] === '--schedule' ? [other, schedule] : [schedule, other];
				assert.equal(
					two.stderr.split('\n')[0],
					`jdcast ${command}: two schedules given, ${first} and ${second}: jdcast runs one (a schedule among FILES counts as --schedule)`,
				);
			}
		}
	});

	it('up with a schedule and no profile beside it is wrong usage', async () => {
		const lone = mkdtempSync(path.join(tmpdir(), 'jdcast-files-'));
		mkdirSync(path.join(lone, 'sub'));
		writeFileSync(
			path.join(lone, 'sub', 'nights.yaml'),
			'slots:\n  - { profile: a, days: [fri], from: "20:00", to: "21:00" }\n',
		);
		const up = await jdcast('up', path.join(lone, 'sub', '*.yaml'));
		assert.equal(up.code, 2);
		assert.match(up.stderr, /^jdcast up: no profile files beside the schedule in /);
	});

	it('plan and icecast-config leave a schedule among FILES alone', async () => {
		const { dir, schedule } = station();
		const files = ['dj-a', 'dj-b'].map((n) => path.join(dir, `${n}.yaml`));
		const plan = await jdcast('plan', '--json', schedule, ...files);
		assert.equal(plan.code, 0, plan.stderr);
		assert.deepEqual(
			(JSON.parse(plan.stdout) as { profiles: { name: string }[] }).profiles.map((p) => p.name),
			['dj-a', 'dj-b'],
		);
		const config = await jdcast('icecast-config', schedule, ...files);
		assert.doesNotMatch(config.stderr, /schedule, not a profile/);
		assert.equal(config.code, 0, config.stderr);
	});
});

describe('icecast-config on the shipped station', () => {
	it('says the fallbacks of embedded servers are written by jdcast itself, not that there are none', async () => {
		const config = await jdcast('icecast-config', 'profiles/station/*.yaml');
		assert.equal(config.code, 0, config.stderr);
		assert.equal(config.stdout, '');
		assert.match(
			config.stderr,
			/fallbacks of these profiles are on embedded servers: jdcast writes them into the icecast\.xml/,
		);
	});
});
