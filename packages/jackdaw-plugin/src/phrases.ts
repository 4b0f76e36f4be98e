import {
	connectController,
	controlSocketPath,
	JdcastError,
	type ControlClient,
	type OutputStatus,
	type StatusSnapshot,
} from '@jdcast/core';
import { formatTitle } from '@jdcast/core/internal';
import { launch, SpokenError, stopLaunched } from './launcher.js';
import type { PluginConfig } from './config.js';
import { plural, sayCause, sayDuration, sayHost, sayList, sayMount } from './speech.js';

export interface Reply {
	/** What Jackdaw should speak. */
	reply: string;
	/** False when the request could not be done (the reply says why). */
	ok: boolean;
	/** For the log, not for speaking. */
	details: string[];
}

export interface PhraseOptions {
	/** The `jdcast` command line (node and the CLI's bin), to start `jdcast up` when none runs. */
	command: string[];
	/** The voice client's PID (`--owner`): a jdcast started for it stops when it exits. */
	owner?: number;
}

/** What a phrase does: its reply, given what the user said and the options. */
export type Handler = (context: {
	client: ControlClient;
	config: PluginConfig;
	rest: string;
	options: PhraseOptions & { socket: string };
}) => Promise<string>;

/** Every phrase the plugin answers, as a user would say it after the wake word. */
export const PHRASES: Record<string, Handler> = {
	'start streaming': startStreaming,
	'stop streaming': stopStreaming,
	'stream status': streamStatus,
	'how many listeners': listenerCount,
	'now playing': nowPlaying,
	'hand over to': handOverTo,
	'take over the stream': takeOver,
};

/** The phrase in what was heard: the longest one it contains, as Jackdaw's own matcher does. */
export function matchPhrase(text: string): { phrase: string; rest: string } | undefined {
	const heard = text.toLowerCase();
	const phrase = Object.keys(PHRASES)
		.sort((a, b) => b.length - a.length)
		.find((p) => heard.includes(p));
	if (!phrase) return undefined;
	return { phrase, rest: text.slice(heard.indexOf(phrase) + phrase.length).trim() };
}

/** Answers one heard command: does what it asks of jdcast and says how it went. */
export async function respond(text: string, config: PluginConfig, options: PhraseOptions): Promise<Reply> {
	const match = matchPhrase(text);
	if (!match) return { reply: `I don't know how to ${text || 'do that'} with the stream.`, ok: false, details: [] };
	const socket = controlSocketPath(config.socket);
	const client = connectController(socket);
	try {
		const reply = await PHRASES[match.phrase]!({ client, config, rest: match.rest, options: { ...options, socket } });
		return { reply, ok: true, details: [] };
	} catch (error) {
		if (error instanceof SpokenError) return { reply: error.spoken, ok: false, details: error.details };
		const message = error instanceof Error ? error.message : String(error);
		return { reply: 'Something went wrong with the stream. See the log.', ok: false, details: [message] };
	}
}

async function snapshot(client: ControlClient): Promise<StatusSnapshot | undefined> {
	try {
		return await client.status();
	} catch (error) {
		if (error instanceof JdcastError && error.code === 'E_CONTROL_NOT_RUNNING') return undefined;
		throw error;
	}
}

async function startStreaming({ client, config, options }: Parameters<Handler>[0]): Promise<string> {
	const before = await snapshot(client);
	if (before && running(before).length) return `Already streaming. ${describe(before)}`;
	if (before) {
		for (const p of before.profiles) await client.startProfile(p.name);
	} else {
		await launch(config, client, {
			command: options.command,
			socket: options.socket,
			...(options.owner === undefined ? {} : { owner: options.owner }),
		});
	}
	// Give the streams a moment to go on air (or to fail), so that the answer says how it went.
	let now = await client.status();
	for (let waited = 0; waited < 4000 && outputs(now).some((o) => o.state === 'connecting'); waited += 200) {
		await new Promise((r) => setTimeout(r, 200));
		now = await client.status();
	}
	return describe(now);
}

async function stopStreaming({ client, config }: Parameters<Handler>[0]): Promise<string> {
	if (await stopLaunched(config)) return 'Stream stopped.';
	const now = await snapshot(client);
	if (!now || running(now).length === 0) return 'Not streaming.';
	for (const p of running(now)) await client.stopProfile(p.name);
	return 'Stream stopped.';
}

async function streamStatus({ client }: Parameters<Handler>[0]): Promise<string> {
	const now = await snapshot(client);
	return now ? describe(now) : 'Not streaming.';
}

async function listenerCount({ client }: Parameters<Handler>[0]): Promise<string> {
	const now = await snapshot(client);
	const live = now ? outputs(now).filter((o) => o.state === 'live') : [];
	if (live.length === 0) return 'Not streaming.';
	return `${plural(
		live.reduce((sum, o) => sum + (o.listeners ?? 0), 0),
		'listener',
	)}.`;
}

/** "now playing Hoppipolla by Sigur Ros" → title Hoppipolla, artist Sigur Ros. */
async function nowPlaying({ client, rest }: Parameters<Handler>[0]): Promise<string> {
	if (!rest) throw new SpokenError('Say now playing, then the title, and by, then the artist.');
	const by = rest.toLowerCase().lastIndexOf(' by ');
	const title = by > 0 ? rest.slice(0, by).trim() : rest;
	const artist = by > 0 ? rest.slice(by + 4).trim() : undefined;
	const now = await snapshot(client);
	if (!now || running(now).length === 0) return 'Not streaming.';
	for (const p of running(now)) await client.setMetadata(p.name, { title, ...(artist ? { artist } : {}) });
	return `Now playing ${title}${artist ? ` by ${artist}` : ''}.`;
}

/** "hand over to dj ben": the shared mounts go from whoever holds them to the profile named. */
async function handOverTo({ client, rest }: Parameters<Handler>[0]): Promise<string> {
	const now = await snapshot(client);
	if (!now) return 'Not streaming.';
	const to = profileHeard(now, rest);
	if (!to)
		throw new SpokenError(`I know no stream profile called ${rest || 'that'}.`, [
			`profiles: ${now.profiles.map((p) => p.name).join(', ')}`,
		]);
	return handOverFromHolder(client, now, to);
}

/** "take over the stream": the shared mounts come to this plugin's own profile. */
async function takeOver({ client, config }: Parameters<Handler>[0]): Promise<string> {
	const now = await snapshot(client);
	if (!now) return 'Not streaming.';
	const own = config.take_over_profile ?? (now.profiles.some((p) => p.name === 'jackdaw') ? 'jackdaw' : undefined);
	if (!own || !now.profiles.some((p) => p.name === own))
		throw new SpokenError('I do not know which stream is yours: set take_over_profile in the plugin config.');
	return handOverFromHolder(client, now, own);
}

async function handOverFromHolder(client: ControlClient, now: StatusSnapshot, to: string): Promise<string> {
	const holder = running(now).find((p) => p.outputs.some((o) => o.shared && o.state === 'live'));
	if (!holder) throw new SpokenError('Nobody is on the shared stream to hand over from.');
	if (holder.name === to) return `${sayName(to)} is already on air.`;
	try {
		await client.handover(holder.name, to);
	} catch (error) {
		if (error instanceof JdcastError && error.code === 'E_HANDOVER_SILENT')
			throw new SpokenError(`Not handed over: ${sayName(to)} is silent.`, [error.message]);
		if (error instanceof JdcastError && error.code.startsWith('E_HANDOVER'))
			throw new SpokenError('Not handed over. See the log.', [error.message]);
		throw error;
	}
	return `Handed over from ${sayName(holder.name)} to ${sayName(to)}.`;
}

/** The profile whose name was heard: "dj ben" for dj-ben or dj_ben, whatever the case. */
function profileHeard(s: StatusSnapshot, heard: string): string | undefined {
	const words = (text: string) =>
		text
			.toLowerCase()
			.replace(/[-_.]+/g, ' ')
			.replace(/\s+/g, ' ')
			.trim();
	return s.profiles.find((p) => words(p.name) === words(heard))?.name;
}

function sayName(name: string): string {
	return name.replace(/[-_.]+/g, ' ');
}

/** Who feeds the first shared mount: a profile's name, "external", or null. */
function holderOf(s: StatusSnapshot): string | null {
	const shared = new Set(
		outputs(s)
			.filter((o) => o.shared)
			.map((o) => o.url),
	);
	const source = s.mounts.flatMap((m) => m.servers).find((m) => shared.has(m.url))?.source ?? null;
	return source === 'external' ? 'a DJ from outside' : source;
}

/** "Opus at 96 kilobits", "FLAC" (lossless: no bitrate to say). */
function sayEncoding(o: OutputStatus): string {
	const format = formatTitle(o.format);
	return o.bitrate ? `${format} at ${o.bitrate} kilobits` : format;
}

function running(s: StatusSnapshot) {
	return s.profiles.filter((p) => p.state !== 'stopped' && p.state !== 'failed');
}

function outputs(s: StatusSnapshot): OutputStatus[] {
	return running(s).flatMap((p) => p.outputs);
}

/**
 * The stream in one or two short sentences: "Streaming to jackdaw dot opus on localhost,
 * 3 listeners, on air 12 minutes." / "Stream reconnecting: server not answering." / "Not streaming."
 */
export function describe(s: StatusSnapshot, now = Date.now()): string {
	const all = outputs(s);
	if (all.length === 0) return 'Not streaming.';
	const live = all.filter((o) => o.state === 'live');
	const troubled = all.filter((o) => o.state === 'retrying' || o.state === 'failed');
	const hostOf = (o: OutputStatus) => sayHost(new URL(o.url).hostname);
	if (live.length === 0) {
		const first = troubled[0];
		if (!first) {
			if (all.some((o) => o.state === 'stalled')) return 'Stream stalled: the encoder sends no audio; restarting it.';
			// A shared mount another DJ holds: not a fault, a turn to wait for.
			if (all.some((o) => o.state === 'waiting')) return 'Waiting to go on air: another DJ has the stream.';
			if (all.some((o) => o.state === 'standby')) {
				const harbor = running(s).find((p) => p.harbor)?.harbor;
				if (harbor && !harbor.dj?.onAirSince) return 'Waiting for a DJ: nobody sends to the harbor.';
				const holder = holderOf(s);
				return `Standing by: ${holder ? `${sayName(holder)} has` : 'nobody has'} the stream.`;
			}
			return 'Stream starting.';
		}
		return first.state === 'failed'
			? `Stream failed: ${sayCause(first.lastErrorCode, first.lastError)}.`
			: `Stream reconnecting: ${sayCause(first.lastErrorCode, first.lastError)}.`;
	}
	const mounts = [...new Set(live.map((o) => sayMount(o.mount)))];
	const hosts = [...new Set(live.map(hostOf))];
	const listeners = live.reduce((sum, o) => sum + (o.listeners ?? 0), 0);
	const since = Math.min(...live.map((o) => Date.parse(o.liveSince ?? new Date(now).toISOString())));
	const seconds = (now - since) / 1000;
	const onAir = seconds < 2 ? 'just on air' : `on air ${sayDuration(seconds)}`;
	const encodings = [...new Set(live.map(sayEncoding))];
	let text = `Streaming ${sayList(encodings)} to ${sayList(mounts)} on ${sayList(hosts)}, ${plural(listeners, 'listener')}, ${onAir}.`;
	// A station: who is on the shared mounts, as the MountBroker says (a handover, a DJ from elsewhere).
	const holder = live.some((o) => o.shared) && running(s).length > 1 ? holderOf(s) : null;
	if (holder) text = `${sayName(holder)} is on air. ${text}`;
	// A remote DJ through a harbor: named, with their software, as the station's status names them.
	const dj = running(s).find((p) => p.harbor?.dj?.onAirSince)?.harbor?.dj;
	if (dj)
		text = `DJ ${sayName(dj.user)} is on air through the harbor${dj.userAgent ? ` from ${sayName(dj.userAgent.split(/[/ ]/)[0]!)}` : ''}. ${text}`;
	// Dead air is the first thing a host must hear about.
	const silent = running(s).filter((p) => p.audio?.silent);
	for (const p of silent.slice(0, 1)) {
		const quiet = p.audio?.silentSince ? (now - Date.parse(p.audio.silentSince)) / 1000 : 0;
		text = `${text} But it is silent: nothing audible for ${sayDuration(quiet)}${running(s).length > 1 ? ` on ${p.name}` : ''}.`;
	}
	for (const o of troubled.slice(0, 2))
		text += ` ${sayMount(o.mount)} on ${hostOf(o)} ${o.state === 'failed' ? 'failed' : 'reconnecting'}: ${sayCause(o.lastErrorCode, o.lastError)}.`;
	return text;
}
