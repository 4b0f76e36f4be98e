import { canonicalFormat, formatSpec } from '../formats/index.js';
import type { Diagnostic } from './diagnostic.js';
import { displayPath, type InstancePath } from './source.js';
import type { Encoding, RawEncoding } from './types.js';

/** How a check of a profile says what it found, at a place in the file. */
export type Report = (
	severity: Diagnostic['severity'],
	p: InstancePath,
	message: string,
	key?: 'key' | 'value',
) => void;

/** A stream's or a recording's encoding with the format's defaults, and what the format cannot do said where. */
export function encoding(raw: RawEncoding, inputChannels: number, where: InstancePath, report: Report): Encoding {
	const format = canonicalFormat(raw.format);
	const spec = formatSpec(format);
	const label = displayPath(where);
	if (spec.defaultBitrate === null && raw.bitrate !== undefined) {
		report('warning', [...where, 'bitrate'], `${label}.bitrate: ${format} is lossless; bitrate is ignored`);
	}
	if (spec.fixedSamplerate !== null && raw.samplerate !== undefined && raw.samplerate !== spec.fixedSamplerate) {
		report(
			'warning',
			[...where, 'samplerate'],
			`${label}.samplerate: ${format} always encodes at ${spec.fixedSamplerate} Hz; ${raw.samplerate} is ignored`,
		);
	}
	if (raw.profile !== undefined && format !== 'aac')
		report(
			'error',
			[...where, 'profile'],
			`${label}.profile: is for aac only (lc, he, he2); ${format} has none`,
			'key',
		);
	const channels = raw.channels ?? inputChannels;
	// ffmpeg's Opus encoder refuses the layouts a JACK input of 3 or more channels has (measured: "Invalid channel
	// layout 2.1").
	if (channels > spec.maxChannels.count) {
		report(
			'error',
			[...where, raw.channels === undefined ? 'format' : 'channels'],
			`${label}: ${spec.maxChannels.advice.replace('N', String(channels))}`,
		);
	}
	if (format === 'aac') aacLimits(raw, channels, label, where, report);
	return {
		format,
		bitrate: spec.defaultBitrate === null ? null : (raw.bitrate ?? spec.defaultBitrate),
		channels,
		samplerate: spec.fixedSamplerate ?? raw.samplerate ?? null,
		// LC is what ffmpeg's own encoder makes: said only when HE-AAC is asked for.
		...(format === 'aac' && raw.profile && raw.profile !== 'lc' ? { profile: raw.profile } : {}),
	};
}

/**
 * What ffmpeg's AAC encoders cannot do, said at validate rather than found at start: a frame holds at
 * most 6144 bits per channel, so a bitrate above 6 × rate × channels (in kbps) is clamped by ffmpeg
 * (measured: 128 asked at 8 kHz, 40 made, status saying 128); HE-AAC v2 is parametric stereo.
 */
function aacLimits(raw: RawEncoding, channels: number, label: string, where: InstancePath, report: Report): void {
	const bitrate = raw.bitrate ?? formatSpec('aac').defaultBitrate!;
	if (raw.samplerate && bitrate > (6 * raw.samplerate * channels) / 1000)
		report(
			'error',
			[...where, raw.bitrate === undefined ? 'samplerate' : 'bitrate'],
			`${label}: aac at ${raw.samplerate} Hz and ${channels} channel${channels === 1 ? '' : 's'} carries at most ${Math.floor((6 * raw.samplerate * channels) / 1000)} kbps, not ${bitrate}`,
		);
	if (raw.profile === 'he2' && channels !== 2)
		report(
			'error',
			[...where, 'profile'],
			`${label}.profile: he2 (HE-AAC v2) is stereo only; this encoding has ${channels} channel${channels === 1 ? '' : 's'} (use he)`,
		);
}
