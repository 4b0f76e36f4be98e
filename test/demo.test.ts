import assert from 'node:assert/strict';
import net from 'node:net';
import path from 'node:path';
import { it } from 'node:test';
import { execa } from 'execa';
import { readGraph } from '@jdcast/core/testing';
import { freePort, tempDir } from './helpers/env.js';
import { runJdcast } from './helpers/jdcast.js';
import { analyze, capture } from './helpers/listener.js';
import { SIGNAL_LEFT_HZ } from './helpers/services.js';

function accepts(port: number): Promise<boolean> {
	return new Promise((resolve) => {
		const socket = net.connect({ host: '127.0.0.1', port }, () => {
			socket.destroy();
			resolve(true);
		});
		socket.on('error', () => resolve(false));
	});
}

it('jdcast demo: its own JACK server, Icecast and test signal; four formats on air; Ctrl-C leaves nothing', async (t) => {
	const port = await freePort();
	const dir = tempDir(t);
	const demo = runJdcast(t, ['demo', '--json', '--port', String(port)], { JACK_DEFAULT_SERVER: '' });
	await demo.waitLive(['/demo.opus', '/demo.ogg', '/demo.flac', '/demo.mp3'], 30_000);
	assert.match(demo.stderr(), new RegExp(`http://127\\.0\\.0\\.1:${port}/demo\\.opus`), 'the listen URLs are printed');
	await new Promise((r) => setTimeout(r, 1500));
	const { file } = await capture(`http://127.0.0.1:${port}/demo.opus`, 3, path.join(dir, 'demo.opus'));
	const report = await analyze(file);
	assert.equal(report.codec, 'opus');
	assert.ok(
		Math.abs(report.frequency - SIGNAL_LEFT_HZ) < 5,
		`the demo plays the test signal (${report.frequency.toFixed(1)} Hz)`,
	);

	assert.equal(await demo.stop('SIGINT'), 0);
	assert.equal(await accepts(port), false, 'the private Icecast is gone');
	assert.equal(await readGraph('jdcast-demo'), undefined, 'the demo JACK server is gone');
});

it('jdcast demo --harbor: the ffmpeg line it prints puts a song on /live.opus, and the demo tone comes back after it', async (t) => {
	const port = await freePort();
	const dir = tempDir(t);
	const demo = runJdcast(t, ['demo', '--harbor', '--json', '--port', String(port)], { JACK_DEFAULT_SERVER: '' });
	await demo.waitLive(['/demo.opus', '/demo.mp3'], 30_000);
	const line = await demo.eventually(
		() => /^ {2}(ffmpeg -re -i SONG .*)$/m.exec(demo.stderr())?.[1],
		'the ffmpeg line in the banner',
	);
	const song = path.join(dir, 'song.mp3');
	await execa('ffmpeg', [
		'-v',
		'error',
		'-f',
		'lavfi',
		'-i',
		'sine=frequency=660:duration=4',
		'-c:a',
		'libmp3lame',
		song,
	]);
	// As a newcomer types it: SONG replaced, nothing else.
	const dj = execa(line.replace('SONG', song), { shell: true, reject: false });
	t.after(() => dj.kill('SIGKILL'));
	await demo.waitForEvent((e) => e.event === 'harbor' && e.kind === 'on-air', 'the song on air');
	await demo.waitForEvent(
		(e) => e.event === 'mount' && e.mount === '/live.opus' && e.source === 'live',
		'/live.opus from the harbor',
	);
	assert.equal((await dj).exitCode, 0, 'ffmpeg sent the whole song');
	await demo.waitForEvent(
		(e) => e.event === 'mount' && e.mount === '/live.opus' && e.source === 'demo' && e.reason === 'harbor',
		'the demo back on /live.opus',
	);
	assert.equal(await demo.stop('SIGINT'), 0);
});
