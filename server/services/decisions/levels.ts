// Which decision levels make a school an honoree: named once, for deciding, publishing and the
// public pages alike.
import type { DecisionLevel } from '../../../models/schema.js';

export const HONOREE_LEVELS: readonly DecisionLevel[] = ['gold', 'silver'];
