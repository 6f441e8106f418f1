// The last cloud snapshot the account screen read, shared with the session map.
import type { CloudSnapshot } from "../bindings";

class CloudState {
  snapshot: CloudSnapshot | null = $state(null);
}

export const cloudState = new CloudState();
