import assert from 'node:assert/strict';
import { cpSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { it, type TestContext } from 'node:test';
import { loadProfileFiles } from '@jdcast/core';
import { execa } from 'execa';
import { eventually, freePort, tempDir } from './helpers/env.js';
import { jdcastOnce, runJdcast, type RunningJdcast } from './helpers/jdcast.js';
import { analyze, capture } from './helpers/listener.js';
import { startJack } from './helpers/services.js';

const root = new URL('..', import.meta.url).pathname;
const profiles = path.join(root, 'profiles');

/** The station's music, made the way scripts/setup.sh makes it (by the same script). */
async function stationMusic(): Promise<void> {
	await execa('bash', [path.join(root, 'scripts/station-music.sh')]);
}

/** Every YAML file under a folder, relative to it. */
function yamlFiles(dir: string, under = ''): string[] {
	return readdirSync(path.join(dir, under), { withFileTypes: true }).flatMap((entry) => {
		const relative = path.join(under, entry.name);
		if (entry.isDirectory()) return yamlFiles(dir, relative);
		return entry.name.endsWith('.yaml') ? [relative] : [];
	});
}

const PORT_LINE = /^(\s*port:\s*)(\d+)(\s*(?:#.*)?)$/;

/**
 * The shipped profiles/ in a temp folder, each embedded server's fixed port (8000…) replaced by a
 * free one (the same port for the same port everywhere): tests run side by side. Fails if the
 * copy differs from the original in anything but those port lines.
 */
function shippedCopy(t: TestContext, ports: Map<number, number>): string {
	const dir = path.join(tempDir(t), 'profiles');
	cpSync(profiles, dir, { recursive: true, filter: (from) => path.basename(from) !== 'recordings' });
	for (const file of yamlFiles(dir)) {
		const original = readFileSync(path.join(profiles, file), 'utf8').split('\n');
		const rewritten = original.map((line) => {
			const match = PORT_LINE.exec(line);
			if (!match) return line;
			const port = ports.get(Number(match[2]));
			assert.ok(port, `${file}: port ${match[2]} has a free port to stand for it`);
			return `${match[1]}${port}${match[3]}`;
		});
		writeFileSync(path.join(dir, file), rewritten.join('\n'));
		const copied = readFileSync(path.join(dir, file), 'utf8').split('\n');
		assert.equal(copied.length, original.length);
		for (const [i, line] of copied.entries())
			if (line !== original[i])
				assert.ok(PORT_LINE.test(line) && PORT_LINE.test(original[i]!), `${file}:${i + 1} differs only in its port`);
	}
	return dir;
}

/** Free ports standing for every port an embedded server of the shipped profiles uses. */
async function shippedPorts(): Promise<Map<number, number>> {
	const files = yamlFiles(profiles)
		.filter((f) => path.basename(f) !== 'schedule.yaml')
		.map((f) => path.join(profiles, f));
	const loaded = await loadProfileFiles(files);
	assert.equal(loaded.ok, true, JSON.stringify(loaded.diagnostics));
	const fixed = new Set(
		loaded.profiles.flatMap((p) =>
			Object.values(p.servers)
				.filter((s) => s.embedded)
				.map((s) => s.port),
		),
	);
	const ports = new Map<number, number>();
	for (const port of fixed) ports.set(port, await freePort());
	return ports;
}

/** Every (server, mount) the profiles stream to. */
async function targets(files: string[]): Promise<{ server: string; mount: string }[]> {
	const { profiles: loaded } = await loadProfileFiles(files);
	return loaded.flatMap((p) => p.streams.flatMap((s) => s.servers.map((server) => ({ server, mount: s.mount }))));
}

async function status(up: RunningJdcast): Promise<{ schedule?: { current: string | null } }> {
	const result = await jdcastOnce(['status', '--json', '--socket', up.socket]);
	assert.equal(result.code, 0, result.stderr);
	return JSON.parse(result.stdout) as { schedule?: { current: string | null } };
}

it('the shipped profiles are valid as a stranger types it: profiles/*.yaml and profiles/station/*.yaml', async () => {
	await stationMusic();
	for (const folder of ['profiles', 'profiles/station']) {
		// Quoted (jdcast expands it) and as the shell expands it.
		const shellExpanded = readdirSync(path.join(root, folder))
			.filter((f) => f.endsWith('.yaml'))
			.map((f) => path.join(root, folder, f));
		for (const args of [[path.join(root, folder, '*.yaml')], shellExpanded]) {
			const result = await jdcastOnce(['validate', ...args]);
			assert.equal(result.code, 0, result.stderr);
			assert.equal(result.stdout, `${shellExpanded.length} files valid\n`);
			assert.equal(result.stderr, '', 'no warning: nothing to set before running them');
		}
	}
});

it('jdcast up profiles/*.yaml on a fresh clone with JACK running: every mount of every example live, exit 0 after --seconds', async (t) => {
	const jack = await startJack(t);
	const shipped = yamlFiles(profiles)
		.filter((f) => !f.includes(path.sep))
		.map((f) => path.join(profiles, f));
	assert.deepEqual(shipped.map((f) => path.basename(f)).sort(), ['jackdaw.yaml', 'single-opus.yaml', 'studio.yaml']);
	const dir = shippedCopy(t, await shippedPorts());
	const files = shipped.map((f) => path.join(dir, path.basename(f)));
	const expected = await targets(files);
	assert.equal(expected.length, 7, 'single-opus 1, studio 5 (Opus on both servers), jackdaw 1');

	const up = runJdcast(t, ['up', '--json', '--seconds', '20', path.join(dir, '*.yaml')], {
		JACK_DEFAULT_SERVER: jack.name,
	});
	await eventually(
		() => {
			if (up.child.exitCode !== null) throw new Error(`jdcast exited (${up.child.exitCode}): ${up.stderr()}`);
			return expected.every(({ mount, server }) => up.outputState(mount, server) === 'live');
		},
		'every mount of the shipped profiles live',
		20_000,
	);
	assert.equal(await up.exited, 0, up.stderr());
});

it("the station, with the one command of docs/multi-dj.md: the autodj's mounts live, a listener of /live.opus hears the autodj; a reload keeps the schedule", async (t) => {
	await stationMusic();
	const jack = await startJack(t);
	const doc = readFileSync(path.join(root, 'docs/multi-dj.md'), 'utf8');
	const tryIt = doc.split(/^## Try it$/m)[1]?.split(/^## /m)[0] ?? '';
	const command = /^npx jdcast (up .*)$/m.exec(tryIt)?.[1];
	assert.ok(command, 'docs/multi-dj.md shows the command under "Try it"');
	const dir = shippedCopy(t, await shippedPorts());
	// The command's words (a quoted glob stays one word), its paths in the copy.
	const args = [...command.matchAll(/"([^"]*)"|(\S+)/g)].map((m) => (m[1] ?? m[2]!).replace(/^profiles\//, `${dir}/`));
	assert.deepEqual(args, ['up', `${dir}/station/*.yaml`]);

	const up = runJdcast(t, args, { JACK_DEFAULT_SERVER: jack.name });
	await up.waitLive(['/autodj.opus', '/autodj.mp3']);
	const before = await status(up);
	assert.ok(before.schedule, 'the schedule among the files is in force');
	// In a DJ's slot (Friday and Saturday evenings in Berlin) the DJ's silent input is on air: stopped
	// by hand, the autodj covers, as it does the rest of the week.
	if (before.schedule.current) {
		const stop = await jdcastOnce(['stop', before.schedule.current, '--socket', up.socket]);
		assert.equal(stop.code, 0, stop.stderr);
	}
	const { profiles: autodj } = await loadProfileFiles([path.join(dir, 'station', 'autodj.yaml')]);
	const { port } = autodj[0]!.servers.station!;
	const heard = await capture(`http://127.0.0.1:${port}/live.opus`, 3, path.join(dir, 'live.opus'));
	assert.ok(heard.bytes > 0, 'the public mount answers');
	const report = await analyze(heard.file);
	assert.equal(report.codec, 'opus');
	assert.deepEqual(report.decodeErrors, []);
	assert.ok(report.duration > 1.5, `${report.duration} s decoded`);
	assert.ok(report.rms > 0.01, `the autodj's music, not silence (RMS ${report.rms})`);

	const reload = await jdcastOnce(['reload', '--socket', up.socket]);
	assert.equal(reload.code, 0, reload.stderr);
	assert.match(reload.stdout, /^unchanged: autodj/m);
	assert.ok((await status(up)).schedule, 'still in force after the reload');
	assert.equal(await up.stop('SIGINT'), 0);
});
