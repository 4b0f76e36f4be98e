import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { it, type TestContext } from 'node:test';
import { loadProfileText, Orchestrator, type JdcastEvents } from '@jdcast/core';
import { eventually, tempDir } from './helpers/env.js';
import { decodeEntities, icecastSources, icyTitle } from './helpers/icecast-status.js';
import { analyze, openCapture, type OpenCapture } from './helpers/listener.js';
import { oggChain } from './helpers/ogg.js';
import { jackInput, serverEntry } from './helpers/profile.js';
import { startIcecast, startJack, startSignal } from './helpers/services.js';

const OGG = [
	{ mount: '/meta.opus', format: 'opus' },
	{ mount: '/meta.ogg', format: 'vorbis' },
	{ mount: '/meta.flac', format: 'flac' },
];

/** jdcast's core API in this process (the control API comes later), on real icecast2, jackd and ffmpeg. */
async function startMetaProfile(t: TestContext, name: string) {
	const jack = await startJack(t);
	await startSignal(t, jack.name);
	const icecast = await startIcecast(t);
	const dir = tempDir(t);
	const text = `name: ${name}\n${jackInput(`jd_${name}`, jack.name)}info: { title: Opening, artist: jdcast }\nservers:\n${serverEntry('main', icecast.port)}streams:\n${[...OGG, { mount: '/meta.mp3', format: 'mp3' }].map((s) => `  - { mount: ${s.mount}, format: ${s.format} }`).join('\n')}\nrecord:\n  - { path: archive.ogg, format: vorbis }\n`;
	const { profile, diagnostics } = loadProfileText(text, path.join(dir, `${name}.yaml`));
	assert.ok(profile, JSON.stringify(diagnostics));
	const orchestrator = new Orchestrator({ env: { JD_TEST_PW: icecast.sourcePassword.reveal() } });
	const outputs: JdcastEvents['output'][0][] = [];
	orchestrator.on('output', (e) => outputs.push(e));
	t.after(() => orchestrator.stop());
	await orchestrator.start([profile]);
	await eventually(
		() =>
			orchestrator.status().profiles[0]!.outputs.every((o) => o.state === 'live') &&
			orchestrator.status().profiles[0]!.state === 'running',
		'every mount live',
	);
	await eventually(async () => {
		const sources = await icecastSources(icecast.port);
		return [...OGG.map((o) => o.mount), '/meta.mp3'].every((m) => sources.has(m));
	}, 'every mount on the server');
	return { orchestrator, icecast, dir, outputs, pid: orchestrator.status().profiles[0]!.encoder.pid };
}

/** A listener on each Ogg mount, until the test stops it or ends. */
async function listen(t: TestContext, port: number, dir: string, name: string): Promise<OpenCapture[]> {
	const listeners = await Promise.all(
		OGG.map((s) =>
			openCapture(`http://127.0.0.1:${port}${s.mount}`, path.join(dir, `${name}${path.extname(s.mount)}`)),
		),
	);
	t.after(() => Promise.all(listeners.map((l) => l.stop())));
	return listeners;
}

/** A second of audio past the listener's first bytes: audio of the opening title to hear a change against. */
async function heardLive(listener: OpenCapture): Promise<void> {
	await listener.more(1);
	await listener.moreSeconds(1);
}

/** /meta.mp3's "now playing" as Icecast lists it and as a listener's player reads it from the ICY stream. */
async function assertMp3Title(port: number, line: string): Promise<void> {
	assert.equal(
		decodeEntities((await icecastSources(port)).get('/meta.mp3')?.title),
		line,
		'MP3: Icecast shows "Artist - Title"',
	);
	assert.equal(await icyTitle(`http://127.0.0.1:${port}/meta.mp3`, line), line, "MP3: a listener's player shows it");
}

it('now playing on every format: admin API for MP3, a new Ogg chain link for Opus, Vorbis and FLAC', async (t) => {
	const { orchestrator, icecast, dir, outputs, pid } = await startMetaProfile(t, 'meta');
	const listeners = await listen(t, icecast.port, dir, 'listener');
	await Promise.all(listeners.map(heardLive));
	const results = await orchestrator.setMetadata('meta', { title: 'Hoppípolla', artist: 'Sigur Rós' });
	assert.deepEqual(results.map((r) => [r.mount, r.via, r.ok]).sort(), [
		['/meta.flac', 'in-band', true],
		['/meta.mp3', 'admin', true],
		['/meta.ogg', 'in-band', true],
		['/meta.opus', 'in-band', true],
	]);
	// Each listener gets the new link, then audio in it: the change heard from both sides.
	await Promise.all(listeners.map((l) => l.until(() => l.links >= 2, 'second Ogg link')));
	await Promise.all(listeners.map((l) => l.moreSeconds(2)));
	const captured = await Promise.all(listeners.map((l) => l.stop()));

	await assertMp3Title(icecast.port, 'Sigur Rós - Hoppípolla');
	const sources = await icecastSources(icecast.port);
	assert.equal(sources.get('/meta.ogg')?.title, 'Hoppípolla', 'Vorbis: Icecast shows the new title');
	assert.equal(sources.get('/meta.ogg')?.artist, 'Sigur Rós', 'Vorbis: and the artist');

	for (const [i, s] of OGG.entries()) {
		const chain = oggChain(captured[i]!.file);
		assert.ok(chain.length >= 2, `${s.mount}: the listener got a second link (${chain.length})`);
		assert.deepEqual(
			[chain[0]!.tags.TITLE, chain[0]!.tags.ARTIST],
			['Opening', 'jdcast'],
			`${s.mount}: the profile's title from the start`,
		);
		const last = chain.at(-1)!;
		assert.equal(last.codec, s.format);
		assert.deepEqual([last.tags.TITLE, last.tags.ARTIST], ['Hoppípolla', 'Sigur Rós'], `${s.mount} tags`);
		// Icecast re-pages Vorbis itself and keeps an end of stream only on a packet: jdcast ends each link on its
		// last audio page, so that Vorbis listeners get it too (VLC follows the change then).
		assert.ok(
			chain.slice(0, -1).every((l) => l.ended),
			`${s.mount}: each earlier link ends with EOS`,
		);
		const report = await analyze(captured[i]!.file);
		assert.deepEqual(report.decodeErrors, [], `${s.mount} decodes without error across the change`);
		assert.ok(
			report.longestSilence < 0.05,
			`${s.mount}: no gap at the change (longest silence ${report.longestSilence.toFixed(3)} s)`,
		);
		t.diagnostic(`${s.mount}: longest silence across the change ${(report.longestSilence * 1000).toFixed(1)} ms`);
	}
	assert.equal(orchestrator.status().profiles[0]!.encoder.pid, pid, 'ffmpeg untouched');
	assert.equal(outputs.length, 4, 'no output left live');

	await orchestrator.stop();
	// The recording stays one logical stream (editors read it whole); the change is in its track list.
	const archive = oggChain(path.join(dir, 'archive.ogg'));
	assert.equal(archive.length, 1, 'no chain link in the recording');
	const tracks = JSON.parse(readFileSync(path.join(dir, 'archive.tracks.json'), 'utf8')) as {
		tracks: { title: string; artist: string }[];
	};
	assert.deepEqual(
		tracks.tracks.map((t) => [t.title, t.artist]),
		[
			['Opening', 'jdcast'],
			['Hoppípolla', 'Sigur Rós'],
		],
	);
});

it('ten changes in ten seconds on every format: no decoder error, no reconnect, same ffmpeg', async (t) => {
	const { orchestrator, icecast, dir, outputs, pid } = await startMetaProfile(t, 'rapid');
	const listeners = await listen(t, icecast.port, dir, 'rapid');
	await Promise.all(listeners.map(heardLive));
	const titles = [
		'Track 1',
		'Track 2',
		'坂本龍一',
		'Track 4',
		'Ça va',
		'Track 6',
		'Track 7',
		'Track 8',
		'Track 9',
		'Track 10 – Ende',
	];
	// A change each second of the stream's own clock, as every listener hears it.
	for (const title of titles) {
		const results = await orchestrator.setMetadata('/meta.opus', { title, artist: 'jdcast' });
		assert.ok(results.every((r) => r.ok));
		await Promise.all(listeners.map((l) => l.moreSeconds(1)));
	}
	await orchestrator.setMetadata('/meta.mp3', { title: '坂本龍一', artist: 'Ryuichi Sakamoto' });
	await Promise.all(listeners.map((l) => l.moreSeconds(1)));
	const captured = await Promise.all(listeners.map((l) => l.stop()));
	await assertMp3Title(icecast.port, 'Ryuichi Sakamoto - 坂本龍一');

	const opus = oggChain(captured[0]!.file);
	assert.ok(opus.length >= 10, `the Opus listener saw the changes (${opus.length} links)`);
	assert.deepEqual(
		opus
			.map((l) => l.tags.TITLE)
			.filter((x) => x && x !== undefined)
			.slice(-3),
		titles.slice(-3),
	);
	assert.ok(
		opus.some((l) => l.tags.TITLE === '坂本龍一'),
		'non-ASCII tags arrive intact in Ogg',
	);
	for (const [i, s] of OGG.entries()) {
		const report = await analyze(captured[i]!.file);
		assert.deepEqual(report.decodeErrors, [], `${s.mount} decodes without error`);
	}
	assert.equal(orchestrator.status().profiles[0]!.encoder.pid, pid, 'ffmpeg untouched');
	assert.ok(
		orchestrator.status().profiles[0]!.outputs.every((o) => o.reconnects === 0 && o.state === 'live'),
		'no reconnect',
	);
	assert.equal(outputs.length, 4);
});

it('a hostile title: no extra ICY field for MP3 listeners, no control character anywhere, cut to one length on every format', async (t) => {
	const { orchestrator, icecast } = await startMetaProfile(t, 'hostile');
	const injected = "a';StreamUrl='http://evil.example/';StreamTitle='pwned";
	const results = await orchestrator.setMetadata('hostile', {
		title: `${injected}\n\u001b[31m\u0007`,
		artist: 'x'.repeat(5000),
	});
	assert.ok(
		results.every((r) => r.ok),
		JSON.stringify(results),
	);
	const line = `${'x'.repeat(512)} - a' ;StreamUrl='http://evil.example/' ;StreamTitle='pwned [31m`;
	const heard = await icyTitle(`http://127.0.0.1:${icecast.port}/meta.mp3`, line);
	assert.equal(heard, line, 'the whole title is one StreamTitle field');
	const status = await (await fetch(`http://127.0.0.1:${icecast.port}/status-json.xsl`)).text();
	assert.doesNotThrow(() => JSON.parse(status), "Icecast's status JSON stays valid");
	assert.equal(
		orchestrator.status().profiles[0]!.outputs.find((o) => o.mount === '/meta.opus')?.nowPlaying,
		`${'x'.repeat(512)} - ${injected} [31m`,
	);
});
