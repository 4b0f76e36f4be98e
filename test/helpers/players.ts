import { type ChildProcess, spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Real players listening to a stream, for "now playing" tests: what each one says the title is,
 * in order, and the lines that mean it mis-decoded (errors, dropped audio), as it logs them.
 * Each runs for `seconds` of wall clock and is then ended, with its whole process group.
 */
export interface PlayerResult {
	/** Titles in the order the player reported them, consecutive repeats folded. */
	titles: string[];
	/** Lines that mean a demux or decode problem or dropped audio (see each player's patterns). */
	errors: string[];
	/**
	 * Lines every listener of a live chained stream gets, not faults: VLC's "Consider increasing
	 * access caching" (the first timestamp of a link it joins is past its 1 s cache), mpv's
	 * "Linearizing discontinuity" (each link's timestamps start again from zero).
	 */
	warnings: string[];
	/** Seconds of audio the player decoded or played, where it says (mpv, ffmpeg); else undefined. */
	audioSeconds?: number;
	/** The last lines of its output, for a failing test's message. */
	tail: string;
}

export interface PlayOptions {
	url: string;
	/** The longest it plays. */
	seconds: number;
	/** Ends it earlier, when this settles: a test's "heard enough". */
	until?: Promise<unknown>;
	/** Each line the player prints, as it prints it (a test waits for what a player shows). */
	onLine?: (line: string) => void;
}

const TAIL_LINES = 40;

/** Runs a command for `seconds`, feeding `tick` to its stdin every second if given; all its output lines. */
async function run(
	command: string,
	args: string[],
	o: PlayOptions,
	tick?: string,
	binary = false,
): Promise<{ out: string[]; err: string[]; outBytes: number }> {
	// A group of its own: `su` and the shells in between must not outlive the test.
	const child = spawn(command, args, { detached: true, stdio: ['pipe', 'pipe', 'pipe'] });
	const out: string[] = [];
	const err: string[] = [];
	const collect = (into: string[]) => {
		let rest = '';
		return (chunk: Buffer) => {
			// Progress lines end in \r: each is a line of its own.
			// Terminal escapes (mpv's status line clears the line first) are not part of what is said.
			const text = (rest + chunk.toString('utf8')).replace(/\x1b\[[0-9;]*[A-Za-z]/g, '');
			const lines = text.split(/\r\n|\r|\n/);
			rest = lines.pop() ?? '';
			into.push(...lines);
			for (const line of lines) o.onLine?.(line);
		};
	};
	let outBytes = 0;
	child.stdout?.on('data', binary ? (chunk: Buffer) => void (outBytes += chunk.length) : collect(out));
	child.stderr?.on('data', collect(err));
	child.stdin?.on('error', () => {});
	const timer = tick ? setInterval(() => child.stdin?.write(tick), 1000) : undefined;
	const exited = new Promise<void>((resolve) => child.on('close', () => resolve()));
	let limit: NodeJS.Timeout | undefined;
	await Promise.race([
		exited,
		new Promise((r) => (limit = setTimeout(r, o.seconds * 1000))),
		...(o.until ? [o.until.catch(() => {})] : []),
	]);
	clearTimeout(limit);
	if (timer) clearInterval(timer);
	// What a player says while it is being killed is not what a listener heard (VLC once logged "buffer
	// deadlock prevented" as SIGTERM reached it): only the lines before the end count.
	const heard = { out: out.length, err: err.length };
	await stop(child, exited);
	return { out: out.slice(0, heard.out), err: err.slice(0, heard.err), outBytes };
}

/** SIGTERM to the group, SIGKILL after 2 s: a player stuck in its network read still goes. */
async function stop(child: ChildProcess, exited: Promise<void>): Promise<void> {
	if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
	const signal = (s: NodeJS.Signals) => {
		try {
			process.kill(-child.pid!, s);
		} catch {
			// Already gone.
		}
	};
	signal('SIGTERM');
	const killer = setTimeout(() => signal('SIGKILL'), 2000);
	await exited;
	clearTimeout(killer);
}

/**
 * Titles as a listener sees them: an empty one is no title (Icecast's first ICY block to a new MP3
 * listener is sometimes `StreamTitle=''`, before the current title's; mpv prints it), and a repeat
 * is no change.
 */
function fold(titles: string[]): string[] {
	const shown = titles.filter((t) => t !== '');
	return shown.filter((t, i) => i === 0 || t !== shown[i - 1]);
}

const tailOf = (lines: string[]) => lines.slice(-TAIL_LINES).join('\n');

/**
 * VLC 3 (cvlc, rc interface): `info` every second prints `| title: …`; `-vv` logs the Ogg
 * demuxer's complaints (serial number mismatch, PCR too late) and audio it drops. VLC refuses
 * to run as root, so as root it runs as `nobody`, with a HOME of its own.
 */
export async function playVlc(o: PlayOptions & { icy?: boolean }): Promise<PlayerResult> {
	// VLC 3's own HTTP access never asks for ICY metadata (no `Icy-MetaData: 1`): its legacy one,
	// chosen by the icyx:// scheme, does, as a user of VLC does to see MP3 or AAC titles.
	const url = o.icy ? o.url.replace(/^http:/, 'icyx:') : o.url;
	const argv = ['-vv', '-I', 'rc', '--rc-fake-tty', '--aout', 'dummy', '--no-video', url];
	let command = 'cvlc';
	let args = argv;
	let home: string | undefined;
	if (process.getuid?.() === 0) {
		home = mkdtempSync(join(tmpdir(), 'jdcast-vlc-'));
		chmodSync(home, 0o777);
		command = 'su';
		args = ['nobody', '-s', '/bin/sh', '-c', `HOME=${home} exec cvlc ${argv.map(quote).join(' ')}`];
	}
	const { out, err } = await run(command, args, o, 'info\n');
	if (home) rmSync(home, { recursive: true, force: true });
	// Ogg titles are the stream's `title`; an ICY title (MP3, AAC) is VLC's `now_playing`.
	const titles = out.flatMap((l) => /^\| (?:title|now_playing): (.*)$/.exec(l)?.[1] ?? []);
	const errors: string[] = [];
	const warnings: string[] = [];
	let faad = false;
	err.forEach((l, i) => {
		if (!/(demux|decoder|packetizer|audio output|input) (error|warning)|too late|dropped|deadlock|mismatch/i.test(l))
			return;
		if (/interface|dbus|hotkeys/.test(l)) return;
		// VLC's own, with files ffmpeg made too: "Consider increasing access caching" at each link it joins; its
		// FLAC decoder losing sync once right after each STREAMINFO (every link's start); faad decoding the first
		// frame it joins at to nothing; and, on a loaded machine, "buffer deadlock prevented" as it kills its FLAC
		// decoder to start a new one at a chain link (its queue full of the old link's blocks: seen twice in some
		// ten loaded runs, never alone).
		const benign =
			/Consider increasing access caching/.test(l) ||
			(/main decoder error: buffer deadlock prevented/.test(l) &&
				/killing decoder fourcc `flac'/.test(err[i + 1] ?? '')) ||
			(/flac decoder warning: .*lose synchronization/.test(l) && /STREAMINFO decoded/.test(err[i - 1] ?? '')) ||
			(/faad decoder warning: decoded zero sample/.test(l) && !faad);
		if (/faad/.test(l)) faad = true;
		(benign ? warnings : errors).push(l);
	});
	return { titles: fold(titles), errors, warnings, tail: tailOf([...out, ...err]) };
}

/**
 * mpv: prints `File tags:` then ` Title: …` (and `icy-title: …`) at start and at each change;
 * its status line (`--term-status-msg`, the playback position) gives the audio played. For Opus
 * links ffmpeg's demuxer keeps the earlier titles: mpv says `A;B` for the second one (measured,
 * mpv 0.35 / ffmpeg 5.1). It shows no change of a FLAC link at all (before #27's fix too).
 */
export async function playMpv(o: PlayOptions): Promise<PlayerResult> {
	const { out, err } = await run(
		'mpv',
		['--no-config', '--no-video', '--ao=null', '--term-status-msg=A: ${=time-pos}', o.url],
		o,
	);
	const lines = [...out, ...err];
	const titles = lines.flatMap((l) => /^\s*(?:Title|icy-title): (.*)$/.exec(l)?.[1] ?? []);
	const problems = lines.filter((l) => /\[(e|w)\]|error|invalid|corrupt|discontinuity/i.test(l));
	const benign = (l: string) => /Linearizing discontinuity/.test(l);
	let audioSeconds: number | undefined;
	for (const l of lines) {
		const m = /^A: ([\d.]+)/.exec(l);
		if (m) audioSeconds = Number(m[1]);
	}
	return {
		titles: fold(titles),
		errors: problems.filter((l) => !benign(l)),
		warnings: problems.filter(benign),
		audioSeconds,
		tail: tailOf(lines.filter((l) => !/^A: /.test(l))),
	};
}

/**
 * GStreamer playbin with a clock-synchronised fake sink (real time, as a listener plays):
 * `-m` prints every bus message; tag messages carry `title=(string)…`, problems are `(error)`
 * or `(warning)` messages.
 */
export async function playGst(o: PlayOptions): Promise<PlayerResult> {
	const { out, err } = await run(
		'gst-launch-1.0',
		['-m', 'playbin', `uri=${o.url}`, 'audio-sink=fakesink sync=true', 'video-sink=fakesink'],
		o,
	);
	const lines = [...out, ...err];
	const titles = lines.flatMap((l) => {
		// Printed escaped twice (the tag list is a string in the message): `title\=\(string\)\"A\\\ B\"\,`.
		const m = /[ ,]title=\(string\)(?:"((?:[^"\\]|\\.)*)"|([^,;]*))/.exec(l.replace(/\\(.)/g, '$1'));
		return m ? [gstString(m[1] ?? m[2] ?? '')] : [];
	});
	const errors = lines.filter((l) => /\((error|warning)\)|^ERROR|^WARNING/.test(l));
	return { titles: fold(titles), errors, warnings: [], tail: tailOf(lines) };
}

/**
 * ffmpeg decoding to raw PCM (48 kHz mono s16) on its stdout: the bytes counted are the audio it
 * decoded, to compare with the wall clock (audio lost at a chain change shows as a deficit). Its
 * log lines (warnings and up) are errors. ffmpeg's CLI prints no metadata updates of a chained
 * Ogg stream: no titles.
 */
export async function playFfmpeg(o: PlayOptions): Promise<PlayerResult> {
	const args = ['-hide_banner', '-nostdin', '-loglevel', 'warning', '-i', o.url];
	const { err, outBytes } = await run(
		'ffmpeg',
		// Timestamps renumbered by sample: each link's start from zero again is no muxer warning then.
		[...args, '-af', 'asetpts=N/SR/TB', '-ac', '1', '-ar', '48000', '-c:a', 'pcm_s16le', '-f', 's16le', 'pipe:1'],
		o,
		undefined,
		true,
	);
	const errors = err.filter((l) => l.trim() && !/received signal|Exiting normally/.test(l));
	return { titles: [], errors, warnings: [], audioSeconds: outBytes / 96000, tail: tailOf(err) };
}

/**
 * icecast-metadata-js (what web players use): `IcecastReadableStream` reading Ogg comment
 * headers in band. `module` is where it is installed (default: the package name). Titles are
 * its metadata events' TITLE; `audioSeconds` is undefined (it does not decode).
 */
export async function playMetadataJs(o: PlayOptions & { module?: string; icy?: boolean }): Promise<PlayerResult> {
	const { IcecastReadableStream } = await import(o.module ?? 'icecast-metadata-js');
	const titles: string[] = [];
	const errors: string[] = [];
	const log: string[] = [];
	const abort = new AbortController();
	const timer = setTimeout(() => abort.abort(), o.seconds * 1000);
	void o.until?.finally(() => abort.abort()).catch(() => {});
	let bytes = 0;
	try {
		// ICY metadata (MP3, AAC) is sent only to a listener who asks for it.
		const response = await fetch(o.url, { signal: abort.signal, headers: o.icy ? { 'Icy-MetaData': '1' } : {} });
		const reader = new IcecastReadableStream(response, {
			metadataTypes: [o.icy ? 'icy' : 'ogg'],
			onStream: ({ stream }: { stream: Uint8Array }) => {
				bytes += stream.length;
			},
			onMetadata: ({ metadata }: { metadata: Record<string, string> }) => {
				log.push(`metadata ${JSON.stringify(metadata)}`);
				o.onLine?.(`metadata ${JSON.stringify(metadata)}`);
				const title = o.icy ? metadata.StreamTitle : metadata.TITLE;
				if (title !== undefined) titles.push(title);
			},
			onError: (message: unknown) => errors.push(String(message)),
		});
		await reader.startReading();
	} catch (error) {
		if (!abort.signal.aborted) errors.push(String(error));
	} finally {
		clearTimeout(timer);
	}
	log.push(`${bytes} bytes of stream`);
	return { titles: fold(titles), errors, warnings: [], tail: tailOf(log) };
}

/** All of them at once, on the same stream, for the same time. */
export async function playAll(
	o: PlayOptions & { metadataJs?: string | false; icy?: boolean; heard?: (player: string, line: string) => void },
) {
	const as = (player: string): PlayOptions & { icy?: boolean } => ({
		...o,
		onLine: (line) => o.heard?.(player, line),
	});
	const [vlc, mpv, gst, ffmpeg, metadataJs] = await Promise.all([
		playVlc(as('vlc')),
		playMpv(as('mpv')),
		playGst(as('gst')),
		playFfmpeg(as('ffmpeg')),
		o.metadataJs === false
			? undefined
			: playMetadataJs({ ...as('metadataJs'), ...(o.metadataJs === undefined ? {} : { module: o.metadataJs }) }),
	]);
	return { vlc, mpv, gst, ffmpeg, metadataJs };
}

/** A GStreamer-serialised string value: `\ooo` is a byte in octal (UTF-8 beyond ASCII), `\c` is c. */
function gstString(s: string): string {
	const bytes: number[] = [];
	for (let i = 0; i < s.length; i++) {
		const octal = s[i] === '\\' ? /^[0-7]{3}/.exec(s.slice(i + 1)) : null;
		if (octal) {
			bytes.push(Number.parseInt(octal[0], 8));
			i += 3;
		} else {
			if (s[i] === '\\' && i + 1 < s.length) i++;
			bytes.push(...Buffer.from(s[i]!, 'utf8'));
		}
	}
	return Buffer.from(bytes).toString('utf8');
}

function quote(s: string): string {
	return `'${s.replace(/'/g, `'\\''`)}'`;
}
