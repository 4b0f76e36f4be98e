import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { it, type TestContext } from 'node:test';
import { execa } from 'execa';
import { loadProfileText, Orchestrator } from '@jdcast/core';
import { eventually, tempDir } from './helpers/env.js';
import { runUp, writeProfile } from './helpers/jdcast.js';
import { analyze, probedSeconds } from './helpers/listener.js';
import { oggChain } from './helpers/ogg.js';
import { serverEntry } from './helpers/profile.js';
import { startIcecast } from './helpers/services.js';

const HZ = 440;

/**
 * The file decoded whole by ffmpeg reading it as a file: its PCM (s16, the file's own rate and
 * channels) and anything ffmpeg complained about.
 */
async function decodeFile(file: string): Promise<{ pcm: Buffer; errors: string; seconds: number }> {
	const { stdout: rate } = await execa('ffprobe', [
		'-v',
		'error',
		'-select_streams',
		'a:0',
		'-show_entries',
		'stream=sample_rate,channels',
		'-of',
		'csv=p=0',
		file,
	]);
	const [sampleRate, channels] = rate.split(',').map(Number) as [number, number];
	const decoded = await execa('ffmpeg', ['-v', 'error', '-i', file, '-f', 's16le', '-'], {
		encoding: 'buffer',
		reject: false,
		maxBuffer: 512 * 1024 * 1024,
	});
	const pcm = Buffer.from(decoded.stdout as Uint8Array);
	return {
		pcm,
		errors: Buffer.from(decoded.stderr as Uint8Array)
			.toString('utf8')
			.trim(),
		seconds: pcm.length / 2 / channels / sampleRate,
	};
}

async function recordProfile(t: TestContext, name: string, records: string) {
	const icecast = await startIcecast(t);
	const dir = tempDir(t);
	const text = `name: ${name}\ninput: { tone: { frequency: ${HZ}, level: -12 } }\ninfo: { title: Opening, artist: jdcast }\nsilence: false\nservers:\n${serverEntry('main', icecast.port)}streams:\n  - { mount: /${name}.opus, format: opus }\nrecord:\n${records}`;
	const { profile, diagnostics } = loadProfileText(text, path.join(dir, `${name}.yaml`));
	assert.ok(profile, JSON.stringify(diagnostics));
	const orchestrator = new Orchestrator({
		env: { ...process.env, JD_TEST_PW: icecast.sourcePassword.reveal() },
		listenerCounts: false,
	});
	t.after(() => orchestrator.stop());
	return { orchestrator, profile, dir };
}

it('recordings people can edit: FLAC, Ogg FLAC, Opus, MP3, AAC and WAV with two title changes are whole files with exact durations, and CUE sheets mark the titles', async (t) => {
	const files = ['a.flac', 'b.ogg', 'c.opus', 'd.mp3', 'e.wav', 'f.aac'];
	const formats = ['flac', 'flac', 'opus', 'mp3', 'wav', 'aac'];
	const { orchestrator, profile, dir } = await recordProfile(
		t,
		'edit',
		files.map((f, i) => `  - { path: ${f}, format: ${formats[i]} }\n`).join(''),
	);
	await orchestrator.start([profile]);
	await orchestrator.live();
	// Three seconds in every file, by the files' own count, under each title.
	const recorded = () => orchestrator.status().profiles[0]!.recordings.map((r) => r.seconds);
	const everyFileHolds = (seconds: number) =>
		eventually(
			() => recorded().length === files.length && recorded().every((s) => s >= seconds),
			`${seconds} s in every file`,
		);
	await everyFileHolds(3);
	const changes: { seconds: number }[] = [];
	for (const [title, artist] of [
		['Second', 'Bea'],
		['Third "quoted"', 'Cleo'],
	]) {
		const seconds = recorded()[0]!;
		changes.push({ seconds });
		await orchestrator.setMetadata('edit', { title, artist });
		await everyFileHolds(Math.max(...recorded()) + 3);
	}
	await orchestrator.stop();

	for (const name of files) {
		const file = path.join(dir, name);
		const decoded = await decodeFile(file);
		assert.equal(decoded.errors, '', `${name}: ffmpeg reads it from the file without a complaint`);
		const probed = await probedSeconds(file);
		assert.ok(
			Math.abs(probed - decoded.seconds) <= 0.1,
			`${name}: ffprobe says ${probed} s, the audio lasts ${decoded.seconds} s`,
		);
		assert.ok(decoded.seconds > 7, `${name}: ${decoded.seconds} s recorded`);
		const heard = await analyze(file);
		assert.ok(Math.abs(heard.frequency - HZ) < 5, `${name}: the test signal (${heard.frequency} Hz)`);
		assert.ok(heard.longestSilence < 0.1, `${name}: no gap (${heard.longestSilence} s)`);
		if (name.endsWith('.ogg') || name.endsWith('.opus'))
			assert.equal(oggChain(file).length, 1, `${name}: one logical stream, no chain link for the titles`);
		if (name.endsWith('.mp3') || name.endsWith('.aac')) {
			// An ID3v2 tag names the file in players and archives; the tracks are in the CUE sheet.
			const { stdout } = await execa('ffprobe', ['-v', 'error', '-show_entries', 'format_tags', '-of', 'json', file]);
			const tags = (JSON.parse(stdout) as { format: { tags: Record<string, string> } }).format.tags;
			assert.equal(tags.album, 'edit');
			assert.match(tags.title ?? '', /^edit \d{4}-\d\d-\d\d \d\d:\d\d$/);
			assert.match(tags.date ?? '', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/);
			assert.equal(tags.encoder, 'jdcast');
		}

		const base = file.slice(0, -path.extname(file).length);
		const { tracks } = JSON.parse(readFileSync(`${base}.tracks.json`, 'utf8')) as {
			tracks: { start: number; title: string; artist: string }[];
		};
		assert.deepEqual(
			tracks.map((tr) => [tr.title, tr.artist]),
			[
				['Opening', 'jdcast'],
				['Second', 'Bea'],
				['Third "quoted"', 'Cleo'],
			],
			name,
		);
		assert.equal(tracks[0]!.start, 0);
		// Against the file's own clock, not the wall's: a loaded machine delivers audio in bursts.
		const between = changes[1]!.seconds - changes[0]!.seconds;
		const marked = tracks[2]!.start - tracks[1]!.start;
		assert.ok(
			Math.abs(marked - between) < 0.25,
			`${name}: ${marked.toFixed(3)} s between the marks for ${between.toFixed(3)} s of audio between the changes`,
		);
		assert.ok(
			Math.abs(tracks[1]!.start - changes[0]!.seconds) < 0.25,
			`${name}: the second title at ${tracks[1]!.start} s, the file held ${changes[0]!.seconds} s`,
		);
		const cue = readFileSync(`${base}.cue`, 'utf8');
		assert.match(cue, new RegExp(`^FILE "${name.replace('.', '\\.')}" (WAVE|MP3)$`, 'm'));
		assert.deepEqual(
			[...cue.matchAll(/TITLE "(.*)"/g)].map((m) => m[1]),
			['Opening', 'Second', "Third 'quoted'"],
		);
		const index = [...cue.matchAll(/INDEX 01 (\d\d):(\d\d):(\d\d)/g)].map(
			(m) => Number(m[1]) * 60 + Number(m[2]) + Number(m[3]) / 75,
		);
		index.forEach((at, i) =>
			assert.ok(Math.abs(at - tracks[i]!.start) <= 1 / 75, `${name}: CUE index ${at} = ${tracks[i]!.start}`),
		);
	}
});

it('split: 10s across a boundary of the wall clock: whole files each with its own duration, together exactly the audio of one long recording (FLAC and WAV)', async (t) => {
	const { orchestrator, profile, dir } = await recordProfile(
		t,
		'split',
		[
			'  - { path: whole.flac, format: flac }',
			'  - { path: "part-{date}.flac", format: flac, split: 10s }',
			'  - { path: whole.wav, format: wav }',
			'  - { path: "part-{date}.wav", format: wav, split: 10s }',
			'',
		].join('\n'),
	);
	// Start at least 5 s before a 10 s boundary: a part under a second would be dropped, as no file.
	await eventually(() => Date.now() % 10_000 < 5000, 'a moment well before a 10 s boundary', 12_000);
	await orchestrator.start([profile]);
	// One boundary crossed (when is for the unit tests of the timer): a second part, with audio in it.
	const recordings = () => orchestrator.status().profiles[0]!.recordings;
	const split = () => recordings().filter((r) => r.name.startsWith('part-'));
	await eventually(
		() => split().length === 2 && split().every((r) => r.parts.length >= 2 && r.seconds >= 2),
		'each split recording 2 s into its second part',
		30_000,
	);
	await orchestrator.stop();
	const partsOf = (ext: string) => split().find((r) => r.name.endsWith(ext))!.parts.length;

	for (const ext of ['.flac', '.wav']) {
		const parts = readdirSync(dir)
			.filter((f) => f.startsWith('part-') && f.endsWith(ext))
			.sort();
		assert.ok(parts.length >= 2, `${ext}: ${parts.join(', ')}`);
		assert.equal(parts.length, partsOf(ext), `${ext}: the files on disk are the parts jdcast says it wrote`);
		const pcm: Buffer[] = [];
		for (const part of parts) {
			const file = path.join(dir, part);
			const decoded = await decodeFile(file);
			assert.equal(decoded.errors, '', `${part} decodes alone`);
			const probed = await probedSeconds(file);
			assert.ok(Math.abs(probed - decoded.seconds) <= 0.1, `${part}: ffprobe ${probed} s, audio ${decoded.seconds} s`);
			pcm.push(decoded.pcm);
			t.diagnostic(`${part}: ${decoded.seconds.toFixed(3)} s`);
		}
		const whole = (await decodeFile(path.join(dir, `whole${ext}`))).pcm;
		const joined = Buffer.concat(pcm);
		// Lossless formats from the same encoder: the parts, one after the other, are the long file sample for sample.
		assert.equal(
			joined.length,
			whole.length,
			`${ext}: ${joined.length} bytes of PCM in the parts, ${whole.length} in the whole`,
		);
		assert.ok(
			joined.equals(whole),
			`${ext}: the parts hold exactly the audio of the whole, no sample lost or doubled at the joins`,
		);
	}
	assert.deepEqual(
		recordings().map((r) => r.parts.length),
		[1, partsOf('.flac'), 1, partsOf('.wav')],
		'one file for each whole recording',
	);
});

it('jdcast killed with SIGKILL during a native FLAC and a WAV recording: both open, with a duration near their content', async (t) => {
	const icecast = await startIcecast(t);
	const dir = tempDir(t);
	const file = writeProfile(
		dir,
		'killed',
		`name: killed\ninput: { tone: { frequency: ${HZ} } }\nsilence: false\nservers:\n${serverEntry('main', icecast.port)}streams:\n  - { mount: /killed.opus, format: opus }\nrecord:\n  - { path: k.flac, format: flac }\n  - { path: k.wav, format: wav }\n`,
	);
	const up = runUp(t, [file], { JD_TEST_PW: icecast.sourcePassword.reveal() });
	await up.waitLive(['/killed.opus']);
	// Killed once both files hold 8 s of audio by jdcast's count (what reached the disk is checked below).
	await up.eventually(async () => {
		const recordings = (await up.status()).profiles[0]?.recordings ?? [];
		return recordings.length === 2 && recordings.every((r) => r.seconds >= 8);
	}, '8 s in both recordings');
	up.child.kill('SIGKILL');
	await up.exited;
	for (const name of ['k.flac', 'k.wav']) {
		const decoded = await decodeFile(path.join(dir, name));
		const probed = await probedSeconds(path.join(dir, name));
		t.diagnostic(`${name}: ffprobe ${probed} s, content ${decoded.seconds} s`);
		assert.ok(decoded.seconds > 5, `${name}: ${decoded.seconds} s of audio`);
		assert.ok(
			probed > 0 && Math.abs(probed - decoded.seconds) < 6,
			`${name}: ffprobe ${probed} s for ${decoded.seconds} s`,
		);
	}
});
