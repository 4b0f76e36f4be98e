import type { Command } from './command.js';
import { planCommand } from './plan.js';
import { validate } from './validate.js';

export const commands: Command[] = [validate, planCommand];
