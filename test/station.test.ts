import assert from 'node:assert/strict';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { it, type TestContext } from 'node:test';
import { execa } from 'execa';
import { openPage } from './helpers/browser.js';
import { eventually, freePort, tempDir } from './helpers/env.js';
import { jdcastOnce, runJdcast, writeProfile, type JdcastEvent, type RunningJdcast } from './helpers/jdcast.js';
import { analyze, inDir, openCapture, pitchSequence } from './helpers/listener.js';
import { serverEntry } from './helpers/profile.js';
import { startIcecast } from './helpers/services.js';

/** Each DJ plays a tone of their own: an air-check file is told by its pitch. */
const TONES: Record<string, number> = { autodj: 330, 'dj-a': 440, 'dj-b': 880, external: 660 };

/** The public mount's fallback and its air check, said the same in every profile (one air check). */
const MOUNTS = '    mounts:\n      /live.opus: { fallback: /autodj.opus, record: { path: "air/{slot}.opus" } }\n';

function stationProfiles(dir: string, port: number): string[] {
	const profile = (name: string, mount: string, tone: string, extra = '') =>
		writeProfile(
			dir,
			name,
			`name: ${name}\ninput:\n  tone: ${tone}\nservers:\n${serverEntry('station', port)}${MOUNTS}streams:\n  - { mount: ${mount}, format: opus${mount === '/live.opus' ? ', shared: true' : ''} }\n${extra}`,
		);
	return [
		profile('autodj', '/autodj.opus', '{ frequency: 330, level: -12 }', 'silence: false\n'),
		profile('dj-a', '/live.opus', '{ frequency: 440, level: -12 }', 'silence: false\n'),
		profile('dj-b', '/live.opus', '{ frequency: 880, level: -12 }', 'silence: false\n'),
		// A DJ whose mixer is silent: handed the mount by force, they give it to the autodj within a second or two.
		profile('dj-c', '/live.opus', '{ frequency: 550, level: -100 }', 'silence: { after: 2, action: yield }\n'),
	];
}

/** A dated slot a number of seconds from now, in UTC, as the schedule file says it. */
const at = (ms: number) => new Date(ms).toISOString().slice(0, 19);

function writeSchedule(file: string, slots: [string, number, number][]): void {
	const lines = slots.map(([dj, from, to]) => `  - { profile: ${dj}, start: "${at(from)}", end: "${at(to)}" }`);
	writeFileSync(file, `timezone: UTC\nlead: 3\nslots:\n${lines.join('\n')}\n`);
}

/** The /live.opus changes jdcast reported, as [source, reason]. */
function liveChanges(up: RunningJdcast): [unknown, unknown][] {
	return up.events.filter((e) => e.event === 'mount' && e.mount === '/live.opus').map((e) => [e.source, e.reason]);
}

async function nextChange(
	up: RunningJdcast,
	source: string | null,
	reason: string,
	what: string,
): Promise<JdcastEvent> {
	return up
		.waitForEvent(
			(e) => e.event === 'mount' && e.mount === '/live.opus' && e.source === source && e.reason === reason,
			what,
			30_000,
		)
		.catch((error: Error) => {
			throw new Error(`${error.message}; the mount's changes so far: ${JSON.stringify(liveChanges(up))}`);
		});
}

async function health(base: string): Promise<{ status: number; text: string }> {
	const response = await fetch(`${base}/healthz`);
	return { status: response.status, text: await response.text() };
}

/** A DJ on another machine: ffmpeg's own Icecast client on the public mount, playing 660 Hz. */
function foreignSource(t: TestContext, port: number, password: string) {
	const child = execa(
		'ffmpeg',
		[
			...['-v', 'error', '-re', '-f', 'lavfi', '-i', 'sine=frequency=660:sample_rate=48000'],
			...['-ac', '2', '-c:a', 'libopus', '-b:a', '96k', '-content_type', 'application/ogg', '-f', 'ogg'],
			`icecast://source:${password}@127.0.0.1:${port}/live.opus`,
		],
		{ reject: false },
	);
	t.after(() => child.kill('SIGKILL'));
	return child;
}

it('a station night: schedule, a handover by hand, a DJ from outside, a silent DJ forced on air — who is on air, health and the air check stay true', async (t) => {
	const icecast = await startIcecast(t, { mounts: { '/live.opus': { fallback: '/autodj.opus' } } });
	const dir = tempDir(t);
	const files = stationProfiles(dir, icecast.port);
	const schedule = path.join(dir, 'schedule.yaml');
	const t0 = Math.ceil(Date.now() / 1000) * 1000 + 9000;
	writeSchedule(schedule, [
		['dj-a', t0, t0 + 8000],
		['dj-b', t0 + 8000, t0 + 600_000],
	]);
	const httpPort = await freePort();
	const base = `http://127.0.0.1:${httpPort}`;
	const up = runJdcast(t, ['up', '--json', '--http', `127.0.0.1:${httpPort}`, '--schedule', schedule, ...files], {
		JD_TEST_PW: icecast.sourcePassword.reveal(),
	});
	const control = (...args: string[]) => jdcastOnce([...args, '--socket', up.socket]);
	const status = async () =>
		JSON.parse((await control('status', '--json')).stdout) as {
			mounts: { mount: string; servers: { source: string | null; fallback: string | null }[] }[];
			schedule: { current: string | null; slot: string | null };
			profiles: { name: string; outputs: { mount: string; state: string }[] }[];
		};
	const liveSource = async () => (await status()).mounts.find((m) => m.mount === '/live.opus')?.servers[0]?.source;
	await up.waitLive(['/autodj.opus']);
	let listener = await openCapture(`http://127.0.0.1:${icecast.port}/live.opus`, inDir(dir, 'live.bin'), 240);
	t.after(() => listener.stop());

	// Slot 1: the schedule puts dj-a on air.
	await nextChange(up, 'dj-a', 'schedule', 'dj-a on air at its slot');
	assert.equal((await health(base)).status, 200);

	// A handover by hand in the middle of the slot: dj-b is on air, dj-a stands by; nothing is wrong.
	const handover = await control('handover', 'dj-a', 'dj-b');
	assert.equal(handover.code, 0, handover.stderr);
	await nextChange(up, 'dj-b', 'handover', 'dj-b on air by hand');
	const afterHandover = await status();
	assert.deepEqual(afterHandover.schedule, { ...afterHandover.schedule, current: 'dj-b', slot: 'dj-a' });
	assert.equal(
		afterHandover.profiles.find((p) => p.name === 'dj-a')?.outputs[0]?.state,
		'standby',
		'handed over is standby, not a fault',
	);
	const healthy = await health(base);
	assert.equal(healthy.status, 200, `a handover is no page for anyone: ${healthy.text}`);
	await listener.more(24_000);

	// Slot 2 begins (dj-b already holds the mount); the operator stops dj-b: listeners go to the autodj.
	await up.waitForEvent(
		(e) => e.event === 'profile' && e.profile === 'dj-a' && e.state === 'stopped',
		'dj-a off',
		20_000,
	);
	assert.equal((await control('stop', 'dj-b')).code, 0);
	await nextChange(up, null, 'stop', 'nobody on the mount after dj-b stopped');
	assert.equal((await health(base)).status, 200, 'the fallback has the listeners');
	await listener.more(24_000);

	// Another machine's DJ takes the free mount: seen on the server, said as external.
	const foreign = foreignSource(t, icecast.port, icecast.sourcePassword.reveal());
	await nextChange(up, 'external', 'external', 'the outside DJ on the mount');
	assert.equal((await control('start', 'dj-b')).code, 0);
	await eventually(
		async () => (await status()).profiles.find((p) => p.name === 'dj-b')?.outputs[0]?.state === 'waiting',
		'dj-b waiting for the outside DJ',
	);
	assert.equal(await liveSource(), 'external');
	assert.equal((await health(base)).status, 200, 'waiting for an outside DJ is no fault');
	const { page, errors } = await openPage(t);
	await page.goto(base);
	const strip = page.getByRole('list', { name: 'Station' });
	await eventually(
		async () => /external/.test(await strip.innerText()),
		'the dashboard strip names the outside source',
	);
	await listener.more(24_000);
	foreign.kill('SIGTERM');
	await nextChange(up, 'dj-b', 'start', 'dj-b takes the mount the moment the outside DJ leaves');
	await eventually(async () => /dj-b/.test(await strip.innerText()), 'the strip follows');
	assert.deepEqual(errors, [], 'no error in the page');
	await listener.more(24_000);

	// A forced handover to a silent DJ: the mount goes to dj-c, and within a second or two to the fallback.
	const forced = await control('handover', 'dj-b', 'dj-c', '--force');
	assert.equal(forced.code, 0, forced.stderr);
	const given = await nextChange(up, 'dj-c', 'handover', 'dj-c on air by force');
	const yielded = await nextChange(up, null, 'yield', 'dj-c silent: the mount yielded to the fallback');
	const yieldMs = Date.parse(String(yielded.time)) - Date.parse(String(given.time));
	t.diagnostic(`the silent DJ gave the mount up ${yieldMs} ms after taking it`);
	assert.ok(yieldMs < 5000, `yielded within the probation (${yieldMs} ms), not after silence.after`);
	assert.equal((await health(base)).status, 200, 'dj-c silent but not on air: no dead air for listeners');

	// The listener stayed on one connection through every change so far, and decoded each cleanly.
	const first = await analyze((await listener.stop()).file);
	assert.deepEqual(first.decodeErrors, []);

	// The autodj stops too: now nothing feeds the public mount (Icecast drops its listeners), and health says so.
	assert.equal((await control('stop', 'autodj')).code, 0);
	const down = await health(base);
	assert.equal(down.status, 503);
	assert.match(down.text, /\/live\.opus on station: nobody feeds it nor its fallback \/autodj\.opus/);
	assert.equal((await control('start', 'autodj')).code, 0);
	await eventually(async () => (await health(base)).status === 200, 'health back with the autodj');
	listener = await openCapture(`http://127.0.0.1:${icecast.port}/live.opus`, inDir(dir, 'live2.bin'), 240);
	await listener.more(24_000);

	// Slot 3, added by a reload of the schedule: dj-a on air at its boundary, nobody after.
	const now = Math.ceil(Date.now() / 1000) * 1000;
	writeSchedule(schedule, [
		['dj-a', t0, t0 + 8000],
		['dj-b', t0 + 8000, now + 5000],
		['dj-a', now + 5000, now + 11_000],
	]);
	assert.equal((await control('reload')).code, 0);
	await nextChange(up, 'dj-a', 'schedule', 'dj-a on air in slot 3');
	await listener.more(24_000);
	await nextChange(up, null, 'schedule', 'nobody after slot 3: the fallback');
	await listener.more(12_000);
	assert.equal(await up.stop('SIGTERM'), 0);

	// Every change, in order, with its reason.
	const seen = up.events
		.filter((e) => (e.event === 'mount' || e.event === 'output') && e.mount === '/live.opus')
		.map(
			(e) =>
				`${String(e.time).slice(17, 23)} ${e.event} ${e.profile} ${e.source ?? e.state} ${e.reason ?? e.code ?? ''}`,
		);
	assert.deepEqual(
		liveChanges(up),
		[
			['dj-a', 'schedule'],
			['dj-b', 'handover'],
			[null, 'stop'],
			['external', 'external'],
			['dj-b', 'start'],
			['dj-c', 'handover'],
			[null, 'yield'],
			['dj-a', 'schedule'],
			[null, 'schedule'],
		],
		seen.join('\n'),
	);
	const heard = await analyze((await listener.stop()).file);
	assert.deepEqual(heard.decodeErrors, []);

	// The air check: a file per holder of the mount, named for it, holding that holder's tone.
	const air = path.join(dir, 'air');
	assert.ok(existsSync(air), 'air check folder written');
	const parts = readdirSync(air).filter((f) => f.endsWith('.opus'));
	if (process.env.KEEP_AIR) (await import('node:fs')).cpSync(air, process.env.KEEP_AIR, { recursive: true });
	const holders = new Set(parts.map((f) => f.replace(/(-part\d+)?\.opus$/, '')));
	for (const holder of ['dj-a', 'dj-b', 'autodj', 'external'])
		assert.ok(holders.has(holder), `an air-check file for ${holder}: ${parts.join(', ')}`);
	for (const part of parts) {
		const holder = part.replace(/(-part\d+)?\.opus$/, '');
		const file = path.join(air, part);
		const decoded = await analyze(file);
		assert.ok(decoded.duration >= 0.9, `${part}: no part under a second is kept (${decoded.duration} s)`);
		assert.deepEqual(decoded.decodeErrors, [], part);
		const tones = (await pitchSequence(file)).filter((r) => r.hz !== 0);
		const main = tones.sort((a, b) => b.seconds - a.seconds)[0]?.hz ?? 0;
		assert.equal(main, TONES[holder] ?? 0, `${part} holds ${holder}'s tone: ${JSON.stringify(tones)}`);
		assert.ok(existsSync(file.replace(/\.opus$/, '.cue')), `${part} has its CUE sheet`);
	}
});
