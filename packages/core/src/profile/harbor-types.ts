/** The harbor input (remote DJs) as written and as jdcast runs it. */
import type { Location } from './diagnostic.js';
import type { PasswordSource } from './password.js';

/**
 * Remote DJs (`input.harbor`): jdcast listens for source clients; the connected DJ's audio, decoded,
 * is the input. Between DJs the input is silence and the shared streams are off air.
 */
export interface HarborInput {
	kind: 'harbor';
	/** Address listened on: 127.0.0.1 unless `host:` says otherwise (then a password is required). */
	host: string;
	port: number;
	/** The mount DJs put in their software (`/dj`). */
	mount: string;
	/** Who may send, by user name: `source` for the shared password, and each of `users`. */
	users: Record<string, HarborUser>;
	/** A second DJ takes over from the one on air, instead of being refused with 403. */
	takeover: boolean;
	channels: number;
	/** A connection that brings more than this (kbps, over 5 s) is cut. */
	maxKbps: number;
	/** Each DJ's own bytes, one file per connection: as written, `{date}`, `{user}`, `{profile}` not yet expanded. */
	recordRaw: string | null;
	at: Location;
}

export interface HarborUser {
	password: PasswordSource;
	/** Where (file, line, column) the user's entry is, for messages. */
	at: Location;
}

/** A password as written: the value, a variable, or a file. */
export interface RawPassword {
	password?: string;
	password_env?: string;
	password_file?: string;
}

/** `input.harbor` as written. */
export interface RawHarbor extends RawPassword {
	port: number;
	host?: string;
	mount: string;
	users?: Record<string, RawPassword>;
	takeover?: boolean;
	channels?: number;
	max_kbps?: number;
	record_raw?: string;
}
