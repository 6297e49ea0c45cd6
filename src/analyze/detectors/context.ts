/** What a per-unit detector sees and writes: the repository, the unit, and the unit's draft. */
import type { Draft } from '../draft';
import type { Repo } from '../repo';
import type { Unit } from '../units';
import type { WarningSink } from '../warnings';

/** The inputs and output of one detector run on one unit. */
export interface UnitContext {
  readonly repo: Repo;
  readonly unit: Unit;
  /** The draft of the unit's main process; detectors claim its fields. */
  readonly draft: Draft;
  readonly warnings: WarningSink;
}

/** A detector for one framework or file type; it reads the unit and claims facts on the draft. */
export type UnitDetector = (ctx: UnitContext) => void;
