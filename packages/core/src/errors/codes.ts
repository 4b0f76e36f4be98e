/**
 * Every error code jdcast raises, in one place: what it means, what to do, and the HTTP status the
 * control API and the HTTP side answer with. docs/errors.md lists the same (a test compares them).
 */
interface CodeEntry {
	/** The answer's status when the control API or the HTTP side raises it. */
	status: number;
	means: string;
	todo: string;
}

export const ERROR_CODES = {
	// Profiles and passwords
	E_PROFILE_INVALID: {
		status: 422,
		means: 'A profile or schedule file is invalid; every problem is given as FILE:LINE:COL.',
		todo: 'Fix what each line names (`jdcast validate FILES` checks without starting).',
	},
	E_PROFILE_LOAD: {
		status: 500,
		means: 'The profiles could not be checked at all (the worker that reads them failed or took over 30 s).',
		todo: 'Look for a huge or unreadable file among them; try `jdcast validate`.',
	},
	E_SECRET_UNRESOLVED: {
		status: 500,
		means: 'A password could not be read: its variable is unset, or its file is missing or unreadable.',
		todo: "Set `password_env`'s variable, or fix `password_file` (the message names which).",
	},
	// Running profiles
	E_UNKNOWN_PROFILE: {
		status: 404,
		means: 'No profile has that name.',
		todo: 'Use one of the names the message lists (`jdcast status`).',
	},
	E_UNKNOWN_TARGET: {
		status: 404,
		means: '"Now playing" was sent to a name that is neither a running profile nor one of their mounts.',
		todo: 'Use a profile name or a mount the message lists.',
	},
	E_PROFILE_STOPPED: {
		status: 409,
		means: 'The profile is known but not running, and the request needs it running.',
		todo: '`jdcast start PROFILE` first.',
	},
	E_NOT_LIVE: {
		status: 503,
		means:
			'`live()` gave up: nothing runs, `stop()` was called, every awaited output failed for good, or the timeout passed.',
		todo: 'Read the outputs the message names and their last errors.',
	},
	E_ENCODER_FAILED: {
		status: 500,
		means: 'ffmpeg failed three times in a row without producing audio; the profile is failed.',
		todo: 'Read the reason (a missing JACK server, an input file, an encoder option); `jdcast start PROFILE` tries again.',
	},
	E_MISSING_BINARY: {
		status: 500,
		means: "A program jdcast runs (ffmpeg, icecast2, JACK's tools) is not installed.",
		todo: 'Install the package the message names (`bash scripts/setup.sh` installs them all).',
	},
	E_TIMEOUT: {
		status: 500,
		means: 'Something jdcast waited for did not happen in time (the message says what).',
		todo: 'Usually a machine too busy, or a process that hangs: try again, read its log.',
	},
	E_METER_UNAVAILABLE: {
		status: 500,
		means: 'This Node cannot run the level meter (it needs WebAssembly SIMD).',
		todo: 'Use Node 20 or newer on a CPU with SIMD.',
	},
	// Handovers
	E_HANDOVER_SAME: {
		status: 409,
		means: 'A profile was asked to hand over to itself.',
		todo: 'Name two different profiles.',
	},
	E_HANDOVER_NOT_RUNNING: {
		status: 409,
		means: 'FROM is not running: there is nothing to hand over.',
		todo: 'Start TO instead (`jdcast start TO`).',
	},
	E_HANDOVER_NOTHING_SHARED: {
		status: 409,
		means: 'FROM and TO have no mount both mark `shared: true`.',
		todo: 'Mark the mounts they take in turns `shared: true` in both.',
	},
	E_HANDOVER_NOT_READY: {
		status: 409,
		means: 'TO cannot take a shared mount (its output failed, or it is not connected yet); nothing was handed over.',
		todo: "Read TO's output error; try again once it is `standby` or `waiting`.",
	},
	E_HANDOVER_SILENT: {
		status: 409,
		means: "TO's input is silent: listeners would hear nothing; nothing was handed over.",
		todo: "Connect TO's source, or insist with `--force`.",
	},
	E_HANDOVER_FAILED: {
		status: 409,
		means: 'A mount could not go over to TO after the handover began; its listeners went to the fallback.',
		todo: "Read the cause; TO's output retries on its own.",
	},
	// JACK
	E_JACK_CLIENT: {
		status: 404,
		means:
			'`jdcast disconnect`/`connect` named a JACK client that neither feeds the profile, nor is named by a rule, nor has audio outputs.',
		todo: 'Check the name with `jack_lsp`; a client name, not a pattern.',
	},
	E_JACK_START: {
		status: 500,
		means: 'A JACK server jdcast started (the demo, the tests) exited at once.',
		todo: 'Read the reason in the message (a name in use, no audio device).',
	},
	E_JACK_SIGNAL: {
		status: 500,
		means: "jack_simple_client (the demo's and tests' signal) exited at start.",
		todo: 'Is the JACK server running?',
	},
	// Icecast
	E_ICECAST_AUTH: {
		status: 502,
		means: 'Icecast refused the source credentials (401). Permanent: the output is failed, not retried.',
		todo: 'Fix the password (or `user`) of that server in the profile.',
	},
	E_ICECAST_MOUNT_IN_USE: {
		status: 502,
		means: 'Another source feeds that mount (403 "Mountpoint in use").',
		todo: 'For a mount taken in turns, mark it `shared: true` (the output then waits); else stop the other source.',
	},
	E_ICECAST_REFUSED: {
		status: 502,
		means: 'Nothing listens at that host and port.',
		todo: 'Is Icecast running there? Retried.',
	},
	E_ICECAST_DNS: { status: 502, means: "The server's host name does not resolve.", todo: 'Check `host`. Retried.' },
	E_ICECAST_RESET: {
		status: 502,
		means: 'The connection to the server was reset.',
		todo: "Retried; see the server's log if it repeats.",
	},
	E_ICECAST_TIMEOUT: {
		status: 502,
		means: 'The server did not answer in time, or is unreachable.',
		todo: 'Check the network and firewall. Retried.',
	},
	E_ICECAST_TLS: {
		status: 502,
		means: "The TLS handshake failed, or the server's certificate is not trusted.",
		todo: 'For a private CA or a self-signed certificate, name it in `tls_ca`. Retried.',
	},
	E_ICECAST_HTTP: {
		status: 502,
		means: 'The server answered with another HTTP error (the message quotes it).',
		todo: "Read the server's answer. Retried.",
	},
	E_ICECAST_CLOSED: {
		status: 502,
		means: 'The server closed the connection (at once, or while streaming).',
		todo: "Retried, more slowly when it keeps accepting and closing; see the server's log (limits, bans).",
	},
	E_ICECAST_STALLED: {
		status: 502,
		means: 'The server stopped taking data: the connection was dropped so listeners do not hear it frozen.',
		todo: 'Retried; a server that freezes often needs looking at.',
	},
	E_ICECAST_SLOW: {
		status: 502,
		means: 'The server takes the stream slower than it is produced; dropped, and marked slow for a minute.',
		todo: 'A lower bitrate, a better link, or a server closer to you.',
	},
	E_ICECAST_EMBEDDED: {
		status: 500,
		means: 'An embedded icecast2 could not start (its port is taken, or it exited).',
		todo: 'Give the `embedded: true` server a free `port`.',
	},
	// The control socket and the HTTP side
	E_CONTROL_NOT_RUNNING: {
		status: 503,
		means: 'No `jdcast up` answers on the control socket.',
		todo: 'Start one (`jdcast up FILES`), or name its socket with `--socket`.',
	},
	E_CONTROL_DENIED: {
		status: 403,
		means: 'The control socket belongs to another user.',
		todo: 'Run the command as that user.',
	},
	E_CONTROL_IN_USE: {
		status: 409,
		means: 'Another `jdcast up` already answers on that control socket.',
		todo: 'Give this one its own `--socket`, or stop the other.',
	},
	E_CONTROL_SOCKET: {
		status: 500,
		means: 'The control socket could not be made (its folder is missing or not writable).',
		todo: 'Give `--socket` a path in a folder you own.',
	},
	E_BACKGROUND_START: {
		status: 500,
		means: 'A `jdcast up` started in the background (the voice plugin) exited or did not answer within 10 s.',
		todo: 'Read the log file the message names.',
	},
	E_BAD_REQUEST: {
		status: 400,
		means: 'A request the API cannot take (a missing or wrong field, not JSON, too large).',
		todo: 'Fix the request as the message says.',
	},
	E_NOT_FOUND: { status: 404, means: 'No such route or page.', todo: 'The message lists the routes there are.' },
	E_UNAUTHORIZED: {
		status: 401,
		means: 'The HTTP side needs its token.',
		todo: 'Send `Authorization: Bearer TOKEN`, or log in at /login.',
	},
	E_ORIGIN: {
		status: 403,
		means: 'A change requested from another web site (cross-site).',
		todo: 'Only the dashboard itself may change things.',
	},
	E_HOST: {
		status: 403,
		means: 'The Host header does not name this machine (DNS rebinding).',
		todo: 'Use the address jdcast serves on.',
	},
	E_PROXY: {
		status: 403,
		means: 'A request came through a proxy to an HTTP side without a token.',
		todo: 'Behind a proxy, give the HTTP side a token (`--http-token-file`).',
	},
	E_SLOW_DOWN: {
		status: 429,
		means: 'A wrong token, and another came from the same client a moment ago (or many from everywhere).',
		todo: 'Wait a second (`Retry-After`); a right token is never slowed.',
	},
	E_BUSY: {
		status: 503,
		means: 'Too many event streams are open, or open from this address (a quarter of them at most).',
		todo: 'Close some dashboards or `/api/events` readers; behind a proxy, `--http-trust-proxy`.',
	},
	E_TOO_MANY_HEADERS: {
		status: 431,
		means: 'A request to the HTTP side carries 100 headers or more.',
		todo: 'Send fewer headers.',
	},
	E_HTTP_LISTEN: {
		status: 500,
		means: 'The HTTP side cannot listen on that address and port (taken, or a privileged port).',
		todo: 'Choose another `--http` port.',
	},
	E_HTTP_TOKEN: {
		status: 500,
		means:
			'The HTTP token is missing where it is needed (off loopback, or behind a proxy: `--http-trust-proxy`), too short, or its file unreadable.',
		todo: 'Give `--http-token-file` a file of 16 characters or more.',
	},
	// The harbor (remote DJs)
	E_HARBOR_LISTEN: {
		status: 500,
		means:
			"The harbor (`input.harbor`) cannot listen on its port: another program has it, or the address is not this machine's.",
		todo: 'Free the port or give `input.harbor.port` another (the message names the program-facing cause).',
	},
	E_INTERNAL: {
		status: 500,
		means: 'A bug: something failed that should not have.',
		todo: 'Please report it with the log.',
	},
	// The CLI and the Jackdaw plugin
	E_USAGE: { status: 400, means: 'Wrong words on the command line (exit 2).', todo: '`jdcast help COMMAND`.' },
	E_JACKDAW_DIR: {
		status: 400,
		means: '`jdcast jackdaw install` was given a folder that is not a Jackdaw checkout.',
		todo: 'Give the folder Jackdaw was cloned into.',
	},
	E_JACKDAW_WRITE: {
		status: 500,
		means: "The plugin's files could not be written into Jackdaw's folder.",
		todo: 'Check its permissions.',
	},
} as const satisfies Record<`E_${string}`, CodeEntry>;

/** Every code a JdcastError may carry. */
export type JdcastErrorCode = keyof typeof ERROR_CODES;

/** The HTTP status the control API and the HTTP side answer an error with. */
export function httpStatusOf(code: JdcastErrorCode): number {
	return ERROR_CODES[code].status;
}
