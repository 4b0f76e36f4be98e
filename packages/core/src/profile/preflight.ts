import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import path from 'node:path';
import { execa } from 'execa';
import type { Diagnostic } from './diagnostic.js';
import { HARBOR_SHARED_USER } from './defaults.js';
import type { Profile } from './types.js';

/**
 * What a valid profile needs from this machine to run, looked at when its file is checked, so
 * that `jdcast validate` finds it before the night and not ffmpeg at start: the file an input
 * reads must be there (an error), and each password variable should be set (a warning only:
 * validate may run where the secrets are not, e.g. in CI, and they are read at run time).
 */
export async function preflight(profile: Profile, env: NodeJS.ProcessEnv = process.env): Promise<Diagnostic[]> {
	const diagnostics: Diagnostic[] = [];
	const { input } = profile;
	if (input.kind === 'file') {
		const problem = await fileProblem(path.resolve(profile.baseDir, input.path));
		if (problem) diagnostics.push({ ...input.at, severity: 'error', message: `input.file.path: ${problem}` });
	}
	if (input.kind === 'harbor')
		for (const [name, user] of Object.entries(input.users)) {
			if (user.password.kind !== 'env' || env[user.password.name]) continue;
			const key = name === HARBOR_SHARED_USER ? 'input.harbor.password_env' : `input.harbor.users.${name}.password_env`;
			diagnostics.push({
				...user.at,
				severity: 'warning',
				message: `${key}: $${user.password.name} is not set here; set it where \`jdcast up\` runs, or the harbor cannot start`,
			});
		}
	diagnostics.push(...(await heAacProblems(profile)));
	for (const server of Object.values(profile.servers)) {
		const uses = [
			{ key: 'password_env', source: server.password, without: "this server's streams cannot connect" },
			{
				key: 'admin_password_env',
				source: server.admin?.password,
				without: '"now playing" updates of MP3 and AAC mounts use the source password',
			},
		];
		for (const { key, source, without } of uses) {
			// The same test resolvePassword makes at run time: an empty value is no password.
			if (source?.kind !== 'env' || env[source.name]) continue;
			diagnostics.push({
				...server.at,
				severity: 'warning',
				message: `servers.${server.name}.${key}: $${source.name} is not set here; set it where \`jdcast up\` runs (its shell or service), or ${without}`,
			});
		}
	}
	return diagnostics;
}

/**
 * HE-AAC is only in ffmpeg builds with libfdk_aac (not Debian's nor most distributions'): asked for
 * where it is missing, it is refused here with the reason rather than by ffmpeg at start.
 */
async function heAacProblems(profile: Profile): Promise<Diagnostic[]> {
	const asking = [
		...profile.streams.map((e, i) => ({ e, label: `streams[${i}]` })),
		...profile.recordings.map((e, i) => ({ e, label: `record[${i}]` })),
	].filter(({ e }) => e.format === 'aac' && e.profile && e.profile !== 'lc');
	// No ffmpeg at all is said at start, with what to install: nothing to add here.
	if (asking.length === 0 || (await ffmpegHasEncoder('libfdk_aac')) !== false) return [];
	return asking.map(({ e, label }) => ({
		...e.at,
		severity: 'error' as const,
		message: `${label}.profile: ${e.profile} (HE-AAC${e.profile === 'he2' ? ' v2' : ''}) needs an ffmpeg built with libfdk_aac, and this one is not; use AAC-LC (leave profile out) or install an ffmpeg with libfdk_aac`,
	}));
}

/** Whether the ffmpeg on PATH has an encoder of that name; undefined when ffmpeg cannot be run. */
async function ffmpegHasEncoder(name: string): Promise<boolean | undefined> {
	const { stdout, failed } = await execa('ffmpeg', ['-hide_banner', '-encoders'], { timeout: 10_000, reject: false });
	if (failed) return undefined;
	return stdout.split('\n').some((line) => line.trim().split(/\s+/)[1] === name);
}

/** Why ffmpeg could not read `file` as an input, or undefined when it can. */
async function fileProblem(file: string): Promise<string | undefined> {
	try {
		const info = await stat(file);
		if (info.isDirectory()) return `${file} is a folder; give the file to play`;
		await access(file, constants.R_OK);
		return undefined;
	} catch (error) {
		const code = (error as NodeJS.ErrnoException).code;
		return code === 'ENOENT' || code === 'ENOTDIR' ? `no file at ${file}` : `${file} cannot be read (${code})`;
	}
}
