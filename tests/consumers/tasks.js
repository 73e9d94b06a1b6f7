// The consumer apps' task module: a worker script of its own, bundled with what it imports.
import { serve } from "webpar/task";

serve({
  double: (n) => 2 * n,
});
