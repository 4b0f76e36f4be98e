import assert from 'node:assert/strict';
import { existsSync, lstatSync, mkdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { it } from 'node:test';
import { execa } from 'execa';
import { tempDir } from './helpers/env.js';
import { jdcastOnce, writeProfile } from './helpers/jdcast.js';

const PASSWORD = 'svc-"pa$$`word\\-9f2';

/** systemd's own check of a unit file, where systemd-analyze exists (null: not on this machine). */
async function verify(unit: string): Promise<{ ok: boolean; text: string } | null> {
	const found = await execa('systemd-analyze', ['--version'], { reject: false });
	if (found.exitCode !== 0) return null;
	const result = await execa('systemd-analyze', ['verify', unit], { reject: false, cwd: path.dirname(unit) });
	return { ok: result.exitCode === 0, text: result.stdout + result.stderr };
}

it('service install: a unit systemd accepts, the password only in a 0600 environment file; uninstall removes both', async (t) => {
	// Odd characters in the folder name: spaces, %, $ (systemd specifiers and variables).
	const dir = path.join(tempDir(t), 'my %h $HOME profiles');
	const files = tempDir(t);
	await execa('mkdir', ['-p', dir]);
	const profile = writeProfile(
		dir,
		'radio',
		`name: radio\ninput: { tone: {} }\nservers:\n  main: { host: 127.0.0.1, port: 8000, password_env: SVC_TEST_PW }\nstreams:\n  - { mount: /radio.opus, format: opus }\n`,
	);

	const missing = await jdcastOnce(['service', 'install', '--dir', files, '--no-enable', profile], { SVC_TEST_PW: '' });
	assert.equal(missing.code, 1);
	assert.match(missing.stderr, /servers\.main takes its password from \$SVC_TEST_PW, which is not set here/);
	assert.ok(!existsSync(path.join(files, 'jdcast.service')), 'nothing written');

	const printed = await jdcastOnce(['service', 'install', '--print', '--http', '8080', profile], {
		SVC_TEST_PW: PASSWORD,
	});
	assert.equal(printed.code, 0, printed.stderr);
	assert.match(printed.stdout, /^\[Service\]$/m);

	const installed = await jdcastOnce(
		['service', 'install', '--dir', files, '--no-enable', '--name', 'radio', '--http', '8080', profile],
		{ SVC_TEST_PW: PASSWORD, JDCAST_HTTP_TOKEN: 'a-token-of-twenty-chars' },
	);
	assert.equal(installed.code, 0, installed.stderr);
	const unitFile = path.join(files, 'radio.service');
	const envFile = path.join(files, 'radio.env');
	const unit = readFileSync(unitFile, 'utf8');
	assert.match(unit, /^Restart=on-failure$/m);
	assert.match(unit, /^KillMode=mixed$/m);
	assert.match(
		unit,
		/^RuntimeDirectory=jdcast\/radio$/m,
		'a runtime folder of its own: another unit stopping cannot remove its socket',
	);
	assert.match(unit, /^RestartPreventExitStatus=2$/m);
	assert.match(unit, /^After=network-online\.target sound\.target$/m);
	assert.match(
		unit,
		/^ExecStart=\S+node --max-semi-space-size=1 --v8-pool-size=1 --optimize-for-size \S+jdcast\.mjs up --json --socket \/run\/jdcast\/radio\/control\.sock --http 8080 "[^"]*my %%h \$\$HOME profiles\/radio\.yaml"$/m,
	);
	assert.ok(!unit.includes(PASSWORD) && !unit.includes('a-token-of-twenty-chars'), 'no secret in the unit');
	assert.equal(statSync(envFile).mode & 0o777, 0o600);
	// The environment file reads back to the exact values (systemd parses double quotes as a shell does).
	const readBack = await execa('bash', [
		'-c',
		`set -a; . "${envFile}"; printf '%s\\n%s' "$SVC_TEST_PW" "$JDCAST_HTTP_TOKEN"`,
	]);
	assert.equal(readBack.stdout, `${PASSWORD}\na-token-of-twenty-chars`);
	assert.ok(!installed.stdout.includes(PASSWORD) && !installed.stderr.includes(PASSWORD));

	const verdict = await verify(unitFile);
	if (verdict === null) t.diagnostic('systemd-analyze is not on this machine: the unit was not verified by systemd');
	else {
		assert.ok(verdict.ok, verdict.text);
		assert.doesNotMatch(verdict.text, /ignoring|unknown|invalid/i, 'no setting systemd would skip');
	}
	if (verdict !== null) {
		// The check can fail: the same unit with a program that is not there is refused.
		const broken = path.join(files, 'broken.service');
		writeFileSync(broken, unit.replace(/^ExecStart=\S+/m, 'ExecStart=/nonexistent/node'));
		assert.equal((await verify(broken))?.ok, false, 'systemd-analyze refuses a broken unit');
	}

	const user = await jdcastOnce(['service', 'install', '--print', '--user', profile], { SVC_TEST_PW: PASSWORD });
	assert.match(user.stdout, /^WantedBy=default\.target$/m);
	assert.doesNotMatch(user.stdout, /^User=|RuntimeDirectory|network-online/m);

	// What jdcast up would refuse is refused now, not at every start of the service.
	const open = await jdcastOnce(['service', 'install', '--print', '--http', '0.0.0.0:8080', profile], {
		SVC_TEST_PW: PASSWORD,
		JDCAST_HTTP_TOKEN: '',
	});
	assert.equal(open.code, 2);
	assert.match(open.stderr, /open to the network: give a token/);
	for (const [flag, value, said] of [
		['--run-as', 'nobody\nExecStartPre=/bin/sh', /is not a user name/],
		['--name', '@', /a unit name of at most 100 letters/],
		['--name', 'x.service', /a unit name of at most 100 letters/],
	] as const) {
		const bad = await jdcastOnce(['service', 'install', '--print', flag, value, profile], { SVC_TEST_PW: PASSWORD });
		assert.equal(bad.code, 2, `${flag} ${value}`);
		assert.match(bad.stderr, said);
	}
	// A symlink where the environment file goes is replaced, never written through.
	const victim = path.join(files, 'victim.txt');
	writeFileSync(victim, 'precious\n', { mode: 0o644 });
	const envLink = path.join(files, 'linked.env');
	symlinkSync(victim, envLink);
	const linked = await jdcastOnce(['service', 'install', '--dir', files, '--no-enable', '--name', 'linked', profile], {
		SVC_TEST_PW: PASSWORD,
	});
	assert.equal(linked.code, 0, linked.stderr);
	assert.equal(readFileSync(victim, 'utf8'), 'precious\n');
	assert.ok(!lstatSync(envLink).isSymbolicLink() && (statSync(envLink).mode & 0o777) === 0o600);

	writeFileSync(
		path.join(files, 'other.service'),
		'# not by `jdcast service install`\n[Service]\nExecStart=/bin/true\n',
	);
	const foreign = await jdcastOnce(['service', 'uninstall', '--dir', files, '--name', 'other']);
	assert.equal(foreign.code, 1);
	assert.match(foreign.stderr, /was not written by jdcast; left alone/);
	const removed = await jdcastOnce(['service', 'uninstall', '--dir', files, '--name', 'radio']);
	assert.equal(removed.code, 0, removed.stderr);
	assert.ok(!existsSync(unitFile) && !existsSync(envFile));
	const usage = await jdcastOnce(['service', 'restart']);
	assert.equal(usage.code, 2);
	assert.match(usage.stderr, /say install or uninstall, not "restart"/);
});

/**
 * A systemctl of the test's own, first on PATH: it logs each call and, with FAKE_SYSTEMD=down,
 * answers as systemctl does where no systemd (or no user session bus) can be reached.
 */
function fakeSystemctl(dir: string): { env: NodeJS.ProcessEnv; calls: () => string[] } {
	const bin = path.join(dir, 'bin');
	const log = path.join(dir, 'systemctl.log');
	mkdirSync(bin);
	writeFileSync(
		path.join(bin, 'systemctl'),
		`#!/bin/sh\necho "$*" >> "${log}"\nif [ "$FAKE_SYSTEMD" = down ]; then echo "Failed to connect to bus: No medium found" >&2; exit 1; fi\nexit 0\n`,
		{ mode: 0o755 },
	);
	return {
		env: { PATH: `${bin}:${process.env.PATH}`, FAKE_SYSTEMD: 'down' },
		calls: () => (existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n') : []),
	};
}

it('service without a running systemd: install says so before writing anything, exit 1; uninstall removes what it can, says what it left, exit 1', async (t) => {
	const home = tempDir(t);
	const fake = fakeSystemctl(home);
	const env = { ...fake.env, XDG_CONFIG_HOME: path.join(home, 'config'), SVC_TEST_PW: PASSWORD };
	const profile = writeProfile(
		tempDir(t),
		'radio',
		`name: radio\ninput: { tone: {} }\nservers:\n  main: { host: 127.0.0.1, port: 8000, password_env: SVC_TEST_PW }\nstreams:\n  - { mount: /radio.opus, format: opus }\n`,
	);
	const userInstall = await jdcastOnce(['service', 'install', '--user', profile], env);
	assert.equal(userInstall.code, 1, userInstall.stderr);
	assert.equal(
		userInstall.stderr,
		'jdcast service: no running systemd user instance to install into (Failed to connect to bus: No medium found), so nothing was written; --no-enable writes the files without it\n',
	);
	assert.ok(!existsSync(path.join(home, 'config')), 'no file and no folder left behind');
	assert.deepEqual(fake.calls(), ['--user show --property=Version']);

	// A system service: asked of the system's systemd, refused the same way (a name of its own, should it be written).
	const name = `jdcast-test-${process.pid}`;
	t.after(() => {
		for (const file of [`/etc/systemd/system/${name}.service`, `/etc/jdcast/${name}.env`])
			rmSync(file, { force: true });
	});
	const systemInstall = await jdcastOnce(['service', 'install', '--name', name, profile], env);
	assert.equal(systemInstall.code, 1, systemInstall.stderr);
	assert.match(systemInstall.stderr, /^jdcast service: no running systemd to install into \(/);
	assert.ok(!existsSync(`/etc/systemd/system/${name}.service`) && !existsSync(`/etc/jdcast/${name}.env`));
	assert.equal(fake.calls().at(-1), 'show --property=Version');

	// Written without systemd (--no-enable), enabled by hand, then uninstalled while systemd cannot be asked.
	const written = await jdcastOnce(['service', 'install', '--user', '--no-enable', profile], env);
	assert.equal(written.code, 0, written.stderr);
	const unitFile = path.join(home, 'config', 'systemd', 'user', 'jdcast.service');
	const envFile = path.join(home, 'config', 'jdcast', 'jdcast.env');
	const wants = path.join(home, 'config', 'systemd', 'user', 'default.target.wants');
	mkdirSync(wants);
	symlinkSync(unitFile, path.join(wants, 'jdcast.service'));
	const callsBefore = fake.calls().length;
	const removed = await jdcastOnce(['service', 'uninstall', '--user'], env);
	assert.equal(removed.code, 1, removed.stderr);
	assert.equal(removed.stdout, `removed ${unitFile}, ${envFile} and ${path.join(wants, 'jdcast.service')}\n`);
	assert.equal(
		removed.stderr,
		'jdcast service: systemd could not be asked (Failed to connect to bus: No medium found), so the service, if it runs, was left running: stop it with `systemctl --user stop jdcast && systemctl --user daemon-reload` where systemd answers\n',
	);
	assert.ok(!existsSync(unitFile) && !existsSync(envFile) && !existsSync(path.join(wants, 'jdcast.service')));
	assert.deepEqual(fake.calls().slice(callsBefore), ['--user show --property=Version']);

	// Where systemd answers: install enables and starts it, uninstall stops and disables it, both exit 0.
	const up = { ...env, FAKE_SYSTEMD: 'up' };
	const installed = await jdcastOnce(['service', 'install', '--user', profile], up);
	assert.equal(installed.code, 0, installed.stderr);
	assert.match(installed.stdout, /^started and enabled at boot: jdcast$/m);
	const uninstalled = await jdcastOnce(['service', 'uninstall', '--user'], up);
	assert.equal(uninstalled.code, 0, uninstalled.stderr);
	assert.deepEqual(fake.calls().slice(callsBefore + 1), [
		'--user show --property=Version',
		'--user daemon-reload',
		'--user enable --now jdcast.service',
		'--user show --property=Version',
		'--user disable --now jdcast.service',
		'--user daemon-reload',
	]);
});
