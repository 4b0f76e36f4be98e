import { formatDiagnostic, type Diagnostic } from '../profile/diagnostic.js';
import type { JdcastErrorCode } from './codes.js';

export { ERROR_CODES, httpStatusOf, type JdcastErrorCode } from './codes.js';

/**
 * Every error jdcast raises on purpose: `code` is what a program switches on (every code, its
 * meaning and what to do: docs/errors.md).
 */
export class JdcastError extends Error {
	readonly code: JdcastErrorCode;
	/**
	 * True when the cause is the user's input or environment (a wrong password, a port taken), not a
	 * bug: a program prints the message alone, one sentence that says what and where, and no stack.
	 * False for what should never happen (E_INTERNAL): the stack helps then.
	 */
	readonly userFacing: boolean;

	constructor(code: JdcastErrorCode, message: string, options: { cause?: unknown; userFacing?: boolean } = {}) {
		super(message, options.cause === undefined ? undefined : { cause: options.cause });
		this.name = new.target.name;
		this.code = code;
		this.userFacing = options.userFacing ?? true;
	}
}

/**
 * One or more profile files are invalid, or the schedule (`subject`); `diagnostics` holds every
 * problem with its FILE:LINE:COL.
 */
export class ProfileError extends JdcastError {
	readonly diagnostics: readonly Diagnostic[];

	constructor(
		diagnostics: readonly Diagnostic[],
		/** What is invalid: a refusal says which, so that nobody looks for the fault in the wrong file. */
		readonly subject: 'profiles' | 'schedule' = 'profiles',
	) {
		const errors = diagnostics.filter((d) => d.severity === 'error');
		super(
			'E_PROFILE_INVALID',
			`${errors.length} problem${errors.length === 1 ? '' : 's'} in ${subject === 'schedule' ? 'the schedule' : 'profiles'}`,
		);
		this.diagnostics = diagnostics;
	}

	/** Every problem as `FILE:LINE:COL: message`. */
	get lines(): string[] {
		return this.diagnostics.map(formatDiagnostic);
	}
}

/** A password could not be resolved (missing variable, unreadable file). Never carries the secret. */
export class SecretError extends JdcastError {
	readonly diagnostic: Diagnostic;

	constructor(diagnostic: Diagnostic) {
		super('E_SECRET_UNRESOLVED', diagnostic.message);
		this.diagnostic = diagnostic;
	}
}

/** The harbor cannot listen on its port. */
export class HarborError extends JdcastError {}
