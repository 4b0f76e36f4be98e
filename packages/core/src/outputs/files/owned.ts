import { createHash } from 'node:crypto';
import { lstat, readFile } from 'node:fs/promises';
import path from 'node:path';
import { writeFileAtomically } from '../../util/atomic-file.js';

/** Whose files: a profile (or an air check) and one of its recordings, by its path as written. */
export interface Owner {
	profile: string;
	recording: string;
}

/**
 * One file a recording created: its name in the folder and the file it was then (device and inode,
 * as decimal text: they may pass 2^53). A name that later holds another file is no longer this one.
 */
export interface OwnedFile {
	name: string;
	dev: string;
	ino: string;
	created: string;
}

/** What the index file holds. */
interface IndexText {
	about: string;
	profile: string;
	recording: string;
	files: OwnedFile[];
}

const ABOUT = 'The files jdcast created for one recording: its keep removes these and nothing else.';

/**
 * The index of one recording's files in one folder: `.jdcast-recordings-HASH.json`, HASH from the
 * profile and the recording's path. One file per recording, not one per folder: each has a single
 * writer, so two jdcast processes recording into one folder never undo each other's entries.
 */
export function indexPath(dir: string, owner: Owner): string {
	const hash = createHash('sha256')
		.update(JSON.stringify([owner.profile, owner.recording]))
		.digest('hex')
		.slice(0, 16);
	return path.join(dir, `.jdcast-recordings-${hash}.json`);
}

/** Each index file's reads and writes, one after the other in this process (two recordings may restart into one). */
const turns = new Map<string, Promise<unknown>>();

function inTurn<T>(file: string, job: () => Promise<T>): Promise<T> {
	const run = (turns.get(file) ?? Promise.resolve()).then(job, job);
	const settled = run.catch(() => {});
	turns.set(file, settled);
	void settled.then(() => {
		if (turns.get(file) === settled) turns.delete(file);
	});
	return run;
}

/**
 * The files one recording created in one folder, kept in a hidden file beside them (written whole and
 * renamed into place), so that a later run of the same recording knows its earlier files. Only a
 * regular file of this user is read as one: anything else there lists nothing.
 */
export class OwnedIndex {
	readonly file: string;

	constructor(
		readonly dir: string,
		readonly owner: Owner,
		/** Something the user should know about the index, in a sentence. */
		private readonly note: (message: string) => void = () => {},
	) {
		this.file = indexPath(dir, owner);
	}

	/** The files listed, as they were when created. */
	list(): Promise<OwnedFile[]> {
		return inTurn(this.file, () => this.read());
	}

	/** `file` (in this folder) was created by this recording: it is the file with this device and inode. */
	add(file: string, id: { dev: bigint; ino: bigint }, at = new Date()): Promise<void> {
		const entry = { name: path.basename(file), dev: String(id.dev), ino: String(id.ino), created: at.toISOString() };
		return this.change((files) => [...files.filter((f) => f.name !== entry.name), entry]);
	}

	/** These names are no longer this recording's (removed, or another file is there now). */
	forget(names: readonly string[]): Promise<void> {
		if (names.length === 0) return Promise.resolve();
		const gone = new Set(names.map((n) => path.basename(n)));
		return this.change((files) => files.filter((f) => !gone.has(f.name)));
	}

	private change(edit: (files: OwnedFile[]) => OwnedFile[]): Promise<void> {
		return inTurn(this.file, async () => {
			const text: IndexText = { about: ABOUT, ...this.owner, files: edit(await this.read()) };
			await writeFileAtomically(this.file, `${JSON.stringify(text, null, '\t')}\n`);
		});
	}

	private async read(): Promise<OwnedFile[]> {
		const info = await lstat(this.file).catch(() => undefined);
		if (!info) return [];
		if (!info.isFile() || info.uid !== process.getuid?.()) {
			this.note(`${this.file} is not a file of this user's: its list is not read, and keep removes none of it`);
			return [];
		}
		try {
			const text = JSON.parse(await readFile(this.file, 'utf8')) as Partial<IndexText>;
			if (!Array.isArray(text.files)) throw new Error('no list of files');
			return text.files.filter(isEntry);
		} catch (error) {
			this.note(
				`${this.file} cannot be read (${error instanceof Error ? error.message : String(error)}): keep removes none of the files it listed; it begins again`,
			);
			return [];
		}
	}
}

/** An entry as written by `add`: a plain name in the folder (never a path elsewhere), a device and an inode. */
function isEntry(f: unknown): f is OwnedFile {
	const e = f as OwnedFile;
	return (
		typeof e?.name === 'string' &&
		e.name !== '' &&
		e.name !== '.' &&
		e.name !== '..' &&
		!e.name.includes('/') &&
		/^\d+$/.test(String(e.dev)) &&
		/^\d+$/.test(String(e.ino))
	);
}
