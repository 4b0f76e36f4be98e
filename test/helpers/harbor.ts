import type { TestContext } from 'node:test';
import { execa, type ResultPromise } from 'execa';
import { writeProfile } from './jdcast.js';
import { serverEntry } from './profile.js';
import { KEPT } from './station.js';
import { basic as basicOf } from '../../packages/core/test/harbor-client.js';

export const DJ_PW = 'harbor-shared-4f1c';
export const ANNA_PW = 'harbor-anna-9b2e';

/** A station's live profile whose input is a harbor: its DJs go out on /live.opus and /live.mp3 (kept). */
export function harborProfile(dir: string, icecastPort: number, harborPort: number, extra = ''): string {
	return writeProfile(
		dir,
		'live',
		`name: live
input:
  harbor:
    port: ${harborPort}
    mount: /dj
    password_env: DJ_PW
    users:
      anna: { password_env: ANNA_PW }
    record_raw: raw/{date}-{user}
silence: false
servers:
${serverEntry('station', icecastPort)}${KEPT}streams:
  - { mount: /live.opus, format: opus, shared: true }
  - { mount: /live.mp3, format: mp3, bitrate: 128, shared: true }
record:
  - path: sets/{date}-{dj}.ogg
    format: opus
${extra}`,
	);
}

/**
 * ffmpeg as a DJ's software: a tone to the harbor through its `icecast://` protocol (PUT with Expect:
 * 100-continue), MP3 or Ogg Vorbis. Without `contentType` ffmpeg says audio/mpeg whatever it sends.
 */
export function ffmpegDj(
	t: TestContext,
	o: {
		port: number;
		user: string;
		password: string;
		hz: number;
		codec: 'mp3' | 'vorbis';
		contentType?: string;
		/** In the stream itself: an Ogg comment (TITLE=…), as Traktor sends its titles. */
		title?: string;
	},
): ResultPromise {
	const encode =
		o.codec === 'mp3'
			? ['-c:a', 'libmp3lame', '-b:a', '192k', '-f', 'mp3']
			: ['-c:a', 'libvorbis', '-q:a', '4', '-f', 'ogg', '-page_duration', '100000'];
	const child = execa(
		'ffmpeg',
		[
			'-v',
			'error',
			'-re',
			'-f',
			'lavfi',
			'-i',
			`sine=frequency=${o.hz}:sample_rate=44100`,
			'-ac',
			'2',
			...encode,
			...(o.contentType ? ['-content_type', o.contentType] : []),
			...(o.title ? ['-metadata', `title=${o.title}`] : []),
			`icecast://${o.user}:${o.password}@127.0.0.1:${o.port}/dj`,
		],
		{ reject: false },
	);
	t.after(() => child.kill('SIGKILL'));
	return child;
}

export { ask as harborRequest, basic } from '../../packages/core/test/harbor-client.js';

/** A source request as BUTT sends it. */
export const sourceHead = (user: string, password: string): string =>
	`PUT /dj HTTP/1.1\r\nHost: x\r\nUser-Agent: butt 0.1.40\r\nContent-Type: audio/mpeg\r\nExpect: 100-continue\r\nAuthorization: ${basicOf(user, password)}\r\n\r\n`;
