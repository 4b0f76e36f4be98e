import assert from 'node:assert/strict';
import { it } from 'node:test';
import { freePort, tempDir } from './helpers/env.js';
import { jdcastOnce, socketFor, writeProfile } from './helpers/jdcast.js';
import { serverEntry } from './helpers/profile.js';
import { startIcecast } from './helpers/services.js';

const toneProfile = (port: number) =>
	`input: { tone: {} }\nsilence: false\nservers:\n${serverEntry('main', port)}streams:\n  - { mount: /check.opus, format: opus }\n`;

it('up --seconds: exit 1 and one sentence when nothing was on air at any moment (the server refuses), 0 when something was', async (t) => {
	const dir = tempDir(t);
	// A port nothing listens on: every connection is refused, and retried until the end.
	const closed = writeProfile(dir, 'closed', toneProfile(await freePort()));
	// Its own control socket: another jdcast up on this machine (a test beside it, the demo) must not matter.
	const refused = await jdcastOnce(['up', '--json', '--seconds', '2', '--socket', socketFor(t), closed], {
		JD_TEST_PW: 'unused-password',
	});
	assert.equal(refused.code, 1, refused.stderr);
	const lines = refused.stderr.trim().split('\n');
	assert.equal(lines.length, 1, refused.stderr);
	assert.match(
		lines[0]!,
		/^jdcast: nothing was on air at any moment of this run; \/check\.opus on main was \w+: .*refused/i,
	);

	const icecast = await startIcecast(t);
	const open = writeProfile(dir, 'open', toneProfile(icecast.port));
	const aired = await jdcastOnce(['up', '--json', '--seconds', '3', '--socket', socketFor(t), open], {
		JD_TEST_PW: icecast.sourcePassword.reveal(),
	});
	assert.equal(aired.code, 0, aired.stderr);
	assert.ok(
		aired.stdout.split('\n').some((l) => /"event":"output".*"state":"live"/.test(l)),
		'it was live at some point',
	);
	assert.doesNotMatch(aired.stderr, /nothing was on air/);
});
