import { tmpdir } from 'node:os';
import path from 'node:path';

/**
 * Where `jdcast up` listens and the other commands knock: `--socket`, else $JDCAST_SOCKET, else
 * $XDG_RUNTIME_DIR/jdcast/control.sock, else a per-user folder under the system temp dir.
 */
export function controlSocketPath(explicit?: string, env: NodeJS.ProcessEnv = process.env): string {
	if (explicit) return path.resolve(explicit);
	if (env.JDCAST_SOCKET) return path.resolve(env.JDCAST_SOCKET);
	return path.join(env.XDG_RUNTIME_DIR ? runtimeFolder(env.XDG_RUNTIME_DIR) : tempFolder(), 'control.sock');
}

/**
 * The folders jdcast chooses itself: they must be the user's own and closed to others (another
 * user could have planted one in /tmp), as ssh-agent and tmux insist.
 */
export function isDefaultSocketFolder(dir: string, env: NodeJS.ProcessEnv = process.env): boolean {
	return dir === tempFolder() || (env.XDG_RUNTIME_DIR !== undefined && dir === runtimeFolder(env.XDG_RUNTIME_DIR));
}

function runtimeFolder(runtimeDir: string): string {
	return path.join(runtimeDir, 'jdcast');
}

function tempFolder(): string {
	return path.join(tmpdir(), `jdcast-${process.getuid?.() ?? 'user'}`);
}
