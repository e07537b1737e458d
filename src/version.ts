import packageJson from "../package.json" with { type: "json" }

/** The controller's version, as published in package.json. */
export const version: string = packageJson.version
