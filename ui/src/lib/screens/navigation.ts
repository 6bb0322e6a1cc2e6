export type Screen = "servers" | "portals" | "installations" | "catalog" | "settings";
