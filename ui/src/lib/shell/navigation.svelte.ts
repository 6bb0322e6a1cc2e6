// Where the window is: the screen, and the server or portal page open on it. Any screen can
// send the user to another's page (a portal member opens its server).
export type Screen = "servers" | "portals" | "installations" | "catalog" | "settings";

export class Navigation {
  screen = $state<Screen>("servers");
  /** The server page open on the servers screen, by id. */
  server = $state<string | null>(null);
  /** The portal page open on the portals screen, by id. */
  portal = $state<string | null>(null);
  /** The user went somewhere on their own (a late first-run welcome leaves them there). */
  moved = false;

  go(screen: Screen): void {
    this.moved = true;
    this.screen = screen;
  }

  openServer(id: string | null): void {
    this.server = id;
    if (id) this.go("servers");
  }

  openPortal(id: string | null): void {
    this.portal = id;
    if (id) this.go("portals");
  }
}
