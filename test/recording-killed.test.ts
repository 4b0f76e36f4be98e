import assert from 'node:assert/strict';
import { copyFileSync, openSync, readFileSync, readSync, closeSync, statSync, writeSync } from 'node:fs';
import path from 'node:path';
import { it } from 'node:test';
import { execa } from 'execa';
import { eventually, tempDir } from './helpers/env.js';
import { runUp, writeProfile } from './helpers/jdcast.js';
import { serverEntry } from './helpers/profile.js';
import { startIcecast } from './helpers/services.js';
import { probedSeconds } from './helpers/listener.js';

/** Seconds of audio ffmpeg decodes from the file, read as a file (mono s16 at 8 kHz: small, and exact enough). */
async function ffmpegSeconds(file: string): Promise<number> {
	const { stdout } = await execa('ffmpeg', ['-v', 'quiet', '-i', file, '-ac', '1', '-ar', '8000', '-f', 's16le', '-'], {
		encoding: 'buffer',
		reject: false,
		maxBuffer: 64 * 1024 * 1024,
	});
	return (stdout as Uint8Array).length / 2 / 8000;
}

/** Seconds of audio sox decodes, where sox is installed (the tests do not need it: setup.sh does not install it). */
async function soxSeconds(file: string): Promise<number | undefined> {
	const sox = await execa('sox', ['-V1', file, '-t', 'raw', '-e', 'signed', '-b', '16', '-c', '1', '-r', '8000', '-'], {
		encoding: 'buffer',
		reject: false,
		maxBuffer: 64 * 1024 * 1024,
	}).catch(() => undefined);
	if (!sox || sox.exitCode !== 0) return undefined;
	return (sox.stdout as Uint8Array).length / 2 / 8000;
}

/** A WAV file's format and where its data begins, from its own header. */
function wavLayout(file: string): { dataAt: number; blockAlign: number; rate: number } {
	const head = readFileSync(file).subarray(0, 256);
	const dataAt = head.indexOf('data', 12, 'latin1') + 8;
	return { dataAt, blockAlign: head.readUInt16LE(32), rate: head.readUInt32LE(24) };
}

/** Seconds of audio a WAV file holds: its bytes past the header, whatever the header says. */
function wavContent(file: string): number {
	const { dataAt, blockAlign, rate } = wavLayout(file);
	return Math.floor((statSync(file).size - dataAt) / blockAlign) / rate;
}

/**
 * Seconds of audio a native FLAC file holds, whatever its STREAMINFO says: a copy whose total is
 * "unknown" (0), decoded by ffmpeg to its end.
 */
async function flacContent(file: string): Promise<number> {
	const copy = `${file}.unknown-length.flac`;
	copyFileSync(file, copy);
	const fd = openSync(copy, 'r+');
	const field = Buffer.alloc(5);
	readSync(fd, field, 0, 5, 8 + 13);
	field[0] = field[0]! & 0xf0;
	field.fill(0, 1);
	writeSync(fd, field, 0, 5, 8 + 13);
	closeSync(fd);
	return ffmpegSeconds(copy);
}

it('jdcast killed with SIGKILL mid-recording: every tool reads all the audio in the WAV and the native FLAC file, within 1 s', async (t) => {
	const icecast = await startIcecast(t);
	const dir = tempDir(t);
	const file = writeProfile(
		dir,
		'killed',
		`name: killed\ninput: { tone: { frequency: 440 } }\nsilence: false\nservers:\n${serverEntry('main', icecast.port)}streams:\n  - { mount: /killed.opus, format: opus }\nrecord:\n  - { path: k.flac, format: flac }\n  - { path: k.wav, format: wav }\n`,
	);
	const up = runUp(t, [file], { JD_TEST_PW: icecast.sourcePassword.reveal() });
	const wav = path.join(dir, 'k.wav');
	const flac = path.join(dir, 'k.flac');
	// Killed from the first moment the files hold 4.5 s: between two of the header refreshes that a jdcast refreshing
	// every five seconds made (at 2 s and at 7 s), where its headers said 2 s.
	await eventually(
		() => wavContent(wav) >= 4.5 && statSync(flac).size > 10_000,
		'four and a half seconds recorded',
		30_000,
	);
	up.child.kill('SIGKILL');
	await up.exited;

	const content = { 'k.wav': wavContent(wav), 'k.flac': await flacContent(flac) };
	const wrong: string[] = [];
	for (const [name, seconds] of Object.entries(content)) {
		const target = path.join(dir, name);
		const tools = {
			ffprobe: await probedSeconds(target),
			ffmpeg: await ffmpegSeconds(target),
			sox: await soxSeconds(target),
		};
		t.diagnostic(`${name}: ${seconds.toFixed(2)} s in the file; ${JSON.stringify(tools)}`);
		assert.ok(seconds > 4, `${name}: ${seconds} s of audio in the file`);
		for (const [tool, read] of Object.entries(tools))
			if (read !== undefined && !(Math.abs(read - seconds) < 1))
				wrong.push(`${name}: ${tool} reads ${read.toFixed(2)} s of the ${seconds.toFixed(2)} s in the file`);
	}
	assert.deepEqual(wrong, []);
});
