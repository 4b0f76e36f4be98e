import { parse } from 'yaml';
import { profileSchema } from '../profile/schema.js';
import { readSmallFile } from '../util/small-file.js';

/** A schedule is a page of slots; a file larger than this is read as a profile, to be refused as one. */
const MAX_SCHEDULE_BYTES = 1024 * 1024;

/**
 * Whether parsed YAML is a schedule rather than a profile: a mapping with `slots` and none of the
 * keys every profile has. Told by content, not by name, so that a schedule beside its profiles
 * ("profiles/station/*.yaml") is found wherever it is and whatever it is called.
 */
export function isScheduleData(data: unknown): boolean {
	if (!data || typeof data !== 'object' || Array.isArray(data) || !('slots' in data)) return false;
	const required = profileSchema().schema.required;
	return !(Array.isArray(required) && required.some((key) => typeof key === 'string' && key in data));
}

/**
 * Whether a file is a schedule (see isScheduleData). A file that cannot be read or parsed is not:
 * it is left to the profile loader, which says what is wrong with it.
 */
export async function isScheduleFile(file: string): Promise<boolean> {
	let text: string;
	try {
		text = (await readSmallFile(file, MAX_SCHEDULE_BYTES)).toString('utf8');
	} catch {
		return false;
	}
	// Most files given are profiles: those without the word are not parsed twice.
	if (!/\bslots\b/.test(text)) return false;
	try {
		return isScheduleData(parse(text, { uniqueKeys: false }));
	} catch {
		return false;
	}
}
