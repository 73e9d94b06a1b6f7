// An app that installs the package of a crate of its own (examples/template, built by
// `webpar build`) and runs the crate's workload, on generated data and on its own numbers.
import init, { Runner } from "webpar-template";

const out = document.getElementById("out");
try {
  const started = await init({ backend: "auto", threads: 2, processes: 2 });
  const runner = new Runner();
  const generated = await runner.run("collatz", { below: 300_000 });
  const own = await runner.run("collatz", { input: { starts: [6, 27, 1, 97] } });
  const bad = await runner.run("collatz", { input: { starts: [5, 0] } }).catch((error) => error);
  const result = {
    backend: started.backend, checksum: generated.checksum, threadsUsed: generated.threadsUsed,
    output: own.output, ownChecksum: own.checksum, badInput: `${bad.name} ${bad.param}`,
  };
  out.textContent = JSON.stringify(result);
  document.body.dataset.result = JSON.stringify(result);
} catch (error) {
  out.textContent = `${error.name}: ${error.message}`;
  document.body.dataset.error = `${error.name}: ${error.message}`;
}
