import path from 'node:path';
import { localTime } from '../../util/local-time.js';

/** `{date}` as jdcast writes it: YYYY-MM-DD_HHMMSS, local time. */
function dateStamp(now: Date): string {
	const { date, hh, mm, ss } = localTime(now);
	return `${date}_${hh}${mm}${ss}`;
}

/**
 * `{profile}`, `{date}` and `{slot}` (an air check's holder: a profile, external, the fallback's) in a recording path, resolved
 * against the profile's folder.
 */
export function expandRecordingPath(
	template: string,
	profile: string,
	baseDir: string,
	now = new Date(),
	slot: string | null = null,
): string {
	return path.resolve(
		baseDir,
		template
			.replaceAll('{profile}', profile)
			.replaceAll('{date}', dateStamp(now))
			.replaceAll('{slot}', slot ?? 'none')
			// A harbor's recording: the DJ whose set it is.
			.replaceAll('{dj}', slot ?? 'none'),
	);
}

/** `show.ogg` → `show-part2.ogg`: where a recording continues in the same name. */
export function partPath(file: string, part: number): string {
	if (part <= 1) return file;
	const ext = path.extname(file);
	return `${file.slice(0, file.length - ext.length)}-part${part}${ext}`;
}

/**
 * Every file a recording template may have written, in its folder: `{date}` as any date stamp,
 * `{profile}` as the profile, with or without a `-partN` suffix. For `keep`.
 */
export function recordingFilePattern(
	template: string,
	profile: string,
	baseDir: string,
): { dir: string; name: RegExp } {
	const file = path.resolve(baseDir, template.replaceAll('{profile}', profile));
	const ext = path.extname(file);
	const literal = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
	const stem = path
		.basename(file, ext)
		.split('{date}')
		.map((part) =>
			part
				.split(/\{slot\}|\{dj\}/)
				.map(literal)
				.join('[A-Za-z0-9][A-Za-z0-9._-]*'),
		)
		.join('\\d{4}-\\d{2}-\\d{2}_\\d{6}');
	return { dir: path.dirname(file), name: new RegExp(`^${stem}(-part\\d+)?${literal(ext)}$`) };
}

/** Milliseconds from `now` to the next multiple of `seconds` on the local wall clock (1h: the top of the hour). */
export function untilNextBoundary(seconds: number, now = new Date()): number {
	const local = now.getTime() - now.getTimezoneOffset() * 60_000;
	const period = seconds * 1000;
	return period - (local % period);
}
