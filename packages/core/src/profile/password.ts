/** Where the password comes from; the password itself is only read by resolvePasswords(). */
export type PasswordSource =
	| { kind: 'inline'; value: string }
	| { kind: 'env'; name: string }
	| { kind: 'file'; path: string }
	| { kind: 'generated' };
