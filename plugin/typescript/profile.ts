/**
 * The device profile a build-time front end (transformer, bundler plugins, `einsight` command)
 * plans for: a profile name, and optionally a tile table measured on the target device by
 * `tuneTiles()`, given as the table or as the path of its JSON file.
 */
import { readFileSync, statSync } from "node:fs";
import * as path from "node:path";
import { EinsightError } from "../../codegen/errors.js";
import { profileLabel, resolveProfile, type PlanOptions } from "../../codegen/plan.js";
import type { ProfileName } from "../../codegen/profile.js";
import { checkTileTable, type TileTable } from "../../codegen/tiles.js";

export interface BuildProfileConfig {
  /** The device profile plans are made for (default "generic"). */
  readonly profile?: ProfileName;
  /**
   * Tile shapes measured on the device by `tuneTiles()`: the table, or its JSON file (relative paths from the
   * working folder).
   */
  readonly tileTable?: string | TileTable;
}

/**
 * What to plan with: the profile's name, or the profile with the tile table; refuses an unknown profile or an
 * unreadable table.
 */
export function buildProfile(config: BuildProfileConfig): PlanOptions["profile"] {
  const { profile, tileTable } = config;
  const named = resolveProfile(profile); // refuses an unknown name
  if (tileTable === undefined) return profile;
  const table = typeof tileTable === "string" ? readTileTable(path.resolve(tileTable)) : tileTable;
  checkTileTable(table);
  return { ...named, tileTable: table };
}

/** Tables read, by file and modification time: a linter asks once per linted file. */
const tables = new Map<string, TileTable>();

/**
 * A tile table's JSON file (what `tuneTiles()` returns, as `einsight tune --out` writes it), or an `invalidOption`
 * error saying why not.
 */
export function readTileTable(file: string): TileTable {
  try {
    const key = `${file}@${statSync(file).mtimeMs}`;
    const table = tables.get(key) ?? (JSON.parse(readFileSync(file, "utf8")) as TileTable);
    tables.set(key, table);
    return table;
  } catch (cause) {
    throw new EinsightError(
      "invalidOption",
      `tileTable: cannot read a tile table from ${file} ` +
        `(${cause instanceof Error ? cause.message : String(cause)}); write one with tuneTiles() ` +
        `(docs/tensors.md).`,
      { cause },
    );
  }
}

/** How a report names what it planned for: "generic", "nvidia-h100", "nvidia-h100 with a tile table". */
export function profileName(profile: PlanOptions["profile"]): string {
  return profile === undefined ? "generic" : typeof profile === "string" ? profile : profileLabel(profile);
}
